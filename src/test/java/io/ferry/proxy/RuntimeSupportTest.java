package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.testing.Configs;
import org.junit.jupiter.api.Test;

class RuntimeSupportTest {

    @Test
    void startRefusesWhatIsNotImplementedNamingFileLineAndKeyword() {
        var config = Configs.parse("""
                defaults
                    mode http
                    timeout client 5s
                    timeout server 5s
                    timeout connect 5s
                frontend www
                    bind 127.0.0.1:0
                    timeout client-fin 2s
                    default_backend app
                backend app
                    timeout queue 3s
                    timeout tunnel 1h
                    server s1 127.0.0.1:8080 maxconn 10
                    server s2 unix@/run/app.sock check port 8081
                listen raw
                    mode tcp
                    bind 127.0.0.1:0
                    use_backend raw if { src 10.0.0.0/8 }
                    server r1 127.0.0.1:9000
                """);
        assertThatThrownBy(() -> Ferry.start(config))
                .isInstanceOf(NotImplementedException.class)
                .satisfies(e -> assertThat(((NotImplementedException) e).problems()).containsExactly(
                        "test.cfg:14: 'check' (backend app, server s2) is not implemented yet: Ferry's runtime has "
                                + "no checks of a unix socket server on another address or port (its checks use its "
                                + "socket: remove 'addr', 'port' and 'tcp-check connect port') so far",
                        "test.cfg:18: 'use_backend' (listen raw) is not implemented yet: "
                                + "Ferry's runtime has no layer-4 routing rules in mode tcp (use default_backend) so far"));
    }

    @Test
    void hashFunctionsAvalancheAndRandomDrawsAreRefusedButNotDisabledProxies() {
        var config = Configs.parse(Configs.HTTP_DEFAULTS + """
                backend h
                    balance uri
                    hash-type consistent djb2 avalanche
                    server s1 127.0.0.1:8080
                backend r
                    balance random(3)
                    server s1 127.0.0.1:8080
                backend off
                    disabled
                    server s1 127.0.0.1:8080
                """);
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.NIO)).extracting(m -> m.split(" is not")[0])
                .containsExactly("test.cfg:6: 'hash-type djb2' (backend h)", "test.cfg:6: 'hash-type avalanche' (backend h)",
                        "test.cfg:10: 'balance random(3)' (backend r)");
    }

    @Test
    void aSupportedConfigurationHasNoProblems() {
        var config = Configs.parse(Configs.HTTP_DEFAULTS + """
                frontend www
                    bind 127.0.0.1:0
                    maxconn 100
                    default_backend app
                backend app
                    retries 2
                    http-reuse always
                    server s1 127.0.0.1:8080 weight 3
                    server s2 127.0.0.1:8081 backup
                """);
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.NIO)).isEmpty();
    }

    @Test
    void loggingIsAcceptedExceptUnixSocketsWithoutEpollAndCapturesInModeTcp() {
        var config = Configs.parse("""
                global
                    log 127.0.0.1:514 local0
                    log /dev/log local1 notice
                defaults
                    log global
                    timeout client 5s
                    timeout server 5s
                    timeout connect 5s
                frontend www
                    mode http
                    bind 127.0.0.1:0
                    log stdout format raw local2
                    option httplog clf
                    option dontlognull
                    option log-separate-errors
                    capture request header Host len 20
                    capture response header Server len 10
                    default_backend app
                listen raw
                    mode tcp
                    bind 127.0.0.1:0
                    log-format "%ci:%cp %[dst_port] %ts"
                    capture request header Host len 20
                    server r1 127.0.0.1:9000
                backend app
                    mode http
                    server s1 127.0.0.1:8080
                """);
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.EPOLL)).containsExactly(
                "test.cfg:23: 'capture request header' (listen raw) is not implemented yet: Ferry's runtime has no "
                        + "header captures in mode tcp (there are no headers to capture) so far");
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.NIO)).containsExactly(
                "test.cfg:3: 'log /dev/log' (global) is not implemented yet: Ferry's runtime has no unix datagram sockets without "
                        + "the epoll transport (log to a UDP address, stdout or stderr) so far",
                "test.cfg:23: 'capture request header' (listen raw) is not implemented yet: Ferry's runtime has no "
                        + "header captures in mode tcp (there are no headers to capture) so far");
    }

    @Test
    void unixSocketServersNeedANativeTransport() {
        var config = Configs.parse(Configs.HTTP_DEFAULTS + """
                backend php
                    server fpm unix@/run/php-fpm.sock
                """);
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.EPOLL)).isEmpty();
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.IO_URING)).isEmpty();
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.NIO)).containsExactly(
                "test.cfg:7: 'server address unix@/run/php-fpm.sock' (backend php, server fpm) is not implemented yet: "
                        + "Ferry's runtime has no unix socket servers without a native transport so far");
    }

    @Test
    void healthChecksObserveAndSlowstartRunButObserveWithoutChecksAndALaterConnectAreRefused() {
        var config = Configs.parse("""
                global
                    spread-checks 5
                defaults
                    mode http
                    timeout client 5s
                    timeout server 5s
                    timeout connect 5s
                    timeout check 2s
                backend web
                    option httpchk GET /health
                    http-check expect status 200
                    server s1 127.0.0.1:8080 check inter 1s fastinter 500 downinter 5s rise 3 fall 2 port 8081
                    server s2 127.0.0.1:8081 check observe layer4 slowstart 10s on-marked-down shutdown-sessions
                    server s3 127.0.0.1:8082 observe layer7 on-marked-up shutdown-backup-sessions
                backend db
                    option tcp-check
                    tcp-check connect port 6379
                    tcp-check send PING\\r\\n
                    tcp-check expect string +PONG
                    tcp-check connect port 6380
                    server r1 127.0.0.1:6379 check
                """);
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.NIO)).containsExactly(
                "test.cfg:14: 'observe' (backend web, server s3) has no effect without health checks on this "
                        + "server: add 'check' (with a port to check), or remove 'observe'",
                "test.cfg:20: 'tcp-check connect' (backend db) is not implemented yet: Ferry's runtime has no "
                        + "second connection in a tcp-check script (connect may only come first) so far");
    }

    @Test
    void statsSocketsOnDescriptorsAndUnixPathsAreRefusedWithoutEpoll() {
        var config = Configs.parse("""
                global
                    stats socket 127.0.0.1:0 level admin
                    stats socket /tmp/ferry-admin.sock
                    stats socket fd@3
                """ + Configs.HTTP_DEFAULTS + """
                frontend www
                    bind 127.0.0.1:0
                """);
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.EPOLL)).isEmpty();
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.NIO)).containsExactly(
                "test.cfg:3: 'stats socket /tmp/ferry-admin.sock' (global) is not implemented yet: Ferry's runtime "
                        + "has no unix stream sockets without a native transport (listen on an ADDRESS:PORT) so far",
                "test.cfg:4: 'stats socket fd@3' (global) is not implemented yet: Ferry's runtime has no "
                        + "inherited listening sockets (fd@) without the epoll transport (Java NIO cannot take over a "
                        + "descriptor) so far");
        // io_uring is not chosen at start for such a configuration; a reload to it is refused
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.IO_URING)).containsExactly(
                "test.cfg:4: 'stats socket fd@3' (global) is not implemented yet: Ferry's runtime has no "
                        + "inherited listening sockets (fd@) in a process that runs on io_uring, chosen at start "
                        + "when its configuration inherited none (restart Ferry: a configuration with an fd@ listener "
                        + "starts on epoll) so far");
    }

    @Test
    void useServiceRunsOnlyAsAFrontendsOnlyRequestRules() {
        var config = Configs.parse(Configs.HTTP_DEFAULTS + """
                frontend ok
                    bind 127.0.0.1:0
                    http-request use-service prometheus-exporter if { path /metrics }
                frontend mixed
                    bind 127.0.0.1:0
                    http-request deny if { path /admin }
                    http-request use-service prometheus-exporter
                backend b
                    http-request use-service prometheus-exporter
                    server s1 127.0.0.1:8080
                """);
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.NIO)).containsExactly(
                "test.cfg:12: 'http-request use-service' (frontend mixed) is not implemented yet: Ferry's runtime has "
                        + "no use-service rules in a backend, in mode tcp, or beside other request rules so far",
                "test.cfg:14: 'http-request use-service' (backend b) is not implemented yet: Ferry's runtime has no "
                        + "use-service rules in a backend, in mode tcp, or beside other request rules so far");
    }
}
