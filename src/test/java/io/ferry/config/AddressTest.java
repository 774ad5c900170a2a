package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bind and server addresses. What HAProxy 2.6 accepts was checked with {@code haproxy -c}; where
 * Ferry differs (bind port 0, servers on a wildcard or with a port offset) the test says so.
 */
class AddressTest {

    private static Address bind1(String text) {
        List<Address> all = Address.parseBind(text);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    @Test
    void bindOnAllAddresses() {
        for (String text : List.of("*:80", ":80")) {
            Address a = bind1(text);
            assertThat(a.kind()).isEqualTo(Address.Kind.INET);
            assertThat(a.isWildcard()).isTrue();
            assertThat(a.address()).isNull();
            assertThat(a.port()).isEqualTo(80);
            assertThat(a.text()).isEqualTo(text);
        }
    }

    @Test
    void bindOnOneAddress() throws Exception {
        Address a = bind1("127.0.0.1:8080");
        assertThat(a.isWildcard()).isFalse();
        assertThat(a.address()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(a.port()).isEqualTo(8080);
        assertThat(bind1("ipv4@127.0.0.1:81").port()).isEqualTo(81);
    }

    @Test
    void bindPortZeroAsksTheSystemForAPort() {
        // HAProxy refuses port 0; Ferry accepts it so that tests and embedders can bind ephemeral ports.
        assertThat(bind1("127.0.0.1:0").port()).isZero();
        assertThat(bind1("*:0").port()).isZero();
        assertThat(bind1("[::1]:0").port()).isZero();
    }

    @Test
    void bindOnIpv6() {
        Address any = bind1("[::]:80");
        assertThat(any.address()).isInstanceOf(Inet6Address.class);
        assertThat(any.address().isAnyLocalAddress()).isTrue();
        assertThat(any.port()).isEqualTo(80);
        assertThat(bind1("[::1]:443").address().isLoopbackAddress()).isTrue();
        Address bare = bind1("::1:80");
        assertThat(bare.address().isLoopbackAddress()).isTrue();
        assertThat(bare.port()).isEqualTo(80);
        assertThat(bind1(":::80").address().isAnyLocalAddress()).isTrue();
    }

    @Test
    void bindListsAndRanges() {
        List<Address> list = Address.parseBind("127.0.0.1:80,:81");
        assertThat(list).extracting(Address::port).containsExactly(80, 81);
        assertThat(list).extracting(Address::isWildcard).containsExactly(false, true);

        List<Address> range = Address.parseBind("*:8000-8002");
        assertThat(range).extracting(Address::port).containsExactly(8000, 8001, 8002);
        assertThat(range).extracting(Address::text).containsExactly("*:8000", "*:8001", "*:8002");

        assertThat(Address.parseBind("*:80,")).extracting(Address::port).containsExactly(80);
        assertThat(Address.parseBind("*:1-1000")).hasSize(Address.MAX_BIND_ADDRESSES);
    }

    @Test
    void bindOnUnixSocketsAndInheritedDescriptors() {
        Address u = bind1("unix@/run/ferry.sock");
        assertThat(u.kind()).isEqualTo(Address.Kind.UNIX);
        assertThat(u.path()).isEqualTo("/run/ferry.sock");
        assertThat(bind1("/tmp/y.sock").path()).isEqualTo("/tmp/y.sock");

        Address fd = bind1("fd@3");
        assertThat(fd.kind()).isEqualTo(Address.Kind.FD);
        assertThat(fd.fd()).isEqualTo(3);
    }

    @Test
    void bindOnADescriptorNamedInTheEnvironment() {
        Tokenizer tokenizer = new Tokenizer(Map.of("fe_1", "7")::get);
        List<String> words = tokenizer.split("bind \"fd@${fe_1}\"");
        assertThat(bind1(words.get(1)).fd()).isEqualTo(7);

        List<String> unset = new Tokenizer(Map.<String, String>of()::get).split("bind \"fd@${fe_1}\"");
        assertThatThrownBy(() -> Address.parseBind(unset.get(1)))
                .hasMessage("invalid file descriptor in 'fd@' (is the environment variable set?)")
                .satisfies(e -> assertThat(((ConfigProblem) e).fix()).contains("\"fd@${LISTEN_FD}\""));
    }

    @ParameterizedTest(name = "bind {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            *:65536         | invalid port '65536' in address '*:65536'
            *:abc           | invalid port 'abc' in address '*:abc'
            *:-1            | invalid port '' in address '*:-1'
            *:1234567       | invalid port '1234567' in address '*:1234567'
            *               | missing port in address '*'
            127.0.0.1       | missing port in address '127.0.0.1'
            *:8002-8000     | invalid port range '8002-8000' in '*:8002-8000'
            *:1000-3000     | port range '1000-3000' in '*:1000-3000' spans more than 1000 ports
            *:1-1001        | port range '1-1001' in '*:1-1001' spans more than 1000 ports
            *:1-600,*:2000-2400 | the bind line lists more than 1000 addresses
            *:1-1000,unix@/x | the bind line lists more than 1000 addresses
            fd@             | invalid file descriptor in 'fd@' (is the environment variable set?)
            fd@x            | invalid file descriptor in 'fd@x'
            fd@12345678901  | invalid file descriptor in 'fd@12345678901'
            unix@           | missing socket path in 'unix@'
            abns@foo        | address family 'abns@' is not supported by Ferry
            [::1:80         | missing ']' in address '[::1:80'
            [::1]x80        | unexpected 'x80' after ']' in address '[::1]x80'
            nosuchhost.invalid:80 | could not resolve address 'nosuchhost.invalid' in 'nosuchhost.invalid:80'
            ipv6@127.0.0.1:80 | '127.0.0.1' is not an IPv6 address in 'ipv6@127.0.0.1:80'
            ``              | missing address
            """)
    void badBindAddresses(String text, String message) {
        assertThatThrownBy(() -> Address.parseBind(text))
                .isInstanceOf(ConfigProblem.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((ConfigProblem) e).fix()).isNotEmpty());
    }

    @Test
    void serverAddresses() throws Exception {
        Address a = Address.parseServer("127.0.0.1:8000");
        assertThat(a.kind()).isEqualTo(Address.Kind.INET);
        assertThat(a.address()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(a.port()).isEqualTo(8000);

        Address local = Address.parseServer("localhost:8000");
        assertThat(local.address().isLoopbackAddress()).isTrue();

        Address v6 = Address.parseServer("[::1]:8000");
        assertThat(v6.address()).isInstanceOf(Inet6Address.class);
        assertThat(v6.port()).isEqualTo(8000);

        Address unix = Address.parseServer("unix@/run/app.sock");
        assertThat(unix.kind()).isEqualTo(Address.Kind.UNIX);
        assertThat(unix.path()).isEqualTo("/run/app.sock");

        assertThat(Address.parseServer("fd@4").fd()).isEqualTo(4);
    }

    @Test
    void serverWithoutPortOrPortZeroUsesTheClientsPort() {
        assertThat(Address.parseServer("127.0.0.1").port()).isZero();
        assertThat(Address.parseServer("127.0.0.1:0").port()).isZero();
        assertThat(Address.parseServer("[::1]").port()).isZero();
    }

    @ParameterizedTest(name = "server {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            127.0.0.1:65536       | invalid port '65536' in address '127.0.0.1:65536'
            127.0.0.1:99999       | invalid port '99999' in address '127.0.0.1:99999'
            127.0.0.1:abc         | invalid port 'abc' in address '127.0.0.1:abc'
            127.0.0.1:8000-8001   | invalid port '8000-8001' in address '127.0.0.1:8000-8001'
            127.0.0.1:+1          | port offsets such as '+1' are not supported by Ferry
            *:80                  | server address '*:80' has no host
            :80                   | server address ':80' has no host
            nosuchhost.invalid:80 | could not resolve address 'nosuchhost.invalid' in 'nosuchhost.invalid:80'
            ``                    | missing address
            """)
    void badServerAddresses(String text, String message) {
        assertThatThrownBy(() -> Address.parseServer(text))
                .isInstanceOf(ConfigProblem.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((ConfigProblem) e).fix()).isNotEmpty());
    }

    @Test
    void serverOnADescriptorIsRefusedByTheServerKeyword() {
        LoadResult r = ConfigLoader.builder().environment(Map.of()).build()
                .loadText("t.cfg", "backend b\n    server s fd@3\n");
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.location()).isEqualTo(new Location("t.cfg", 2));
            assertThat(e.keyword()).isEqualTo("server");
            assertThat(e.message()).isEqualTo("servers cannot be reached through 'fd@'");
        });
    }
}
