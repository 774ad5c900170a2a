package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The text of each error the core keywords, server and bind lines, ACLs and conditions give: the
 * line, the keyword, the message and the fix.
 */
class KeywordErrorsTest {

    /** A frontend in HTTP mode with a backend 'b'; the line under test is line 4. */
    private static final String FRONTEND = "frontend f\n    mode http\n    bind :80\n%s\nbackend b\n    mode http\n";

    private static LoadResult load(String text) {
        return ConfigLoader.builder().environment(Map.of()).build().loadText("t.cfg", text);
    }

    private static Diagnostic error(String text, int line) {
        LoadResult r = load(text);
        assertThat(r.valid()).as(text).isEmpty();
        assertThat(r.errors()).as(text).hasSize(1);
        Diagnostic e = r.errors().get(0);
        assertThat(e.location()).as(text).isEqualTo(new Location("t.cfg", line));
        assertThat(e.fix()).as(text).isNotEmpty();
        return e;
    }

    private static Diagnostic frontendError(String line) {
        return error(String.format(FRONTEND, "    " + line), 4);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
            mode smtp                     => mode           => unknown proxy mode 'smtp'                 => use 'mode http' or 'mode tcp'
            mode health                   => mode           => 'mode health' was removed from HAProxy in 2.4 and is not supported by Ferry => use 'monitor-uri' in HAProxy or a stats page in Ferry
            mode                          => mode           => missing argument                          => write it as: mode http|tcp
            mode http tcp                 => mode           => unexpected extra argument 'tcp' after 'http' => write it as: mode http|tcp
            maxconn lots                  => maxconn        => 'lots' is not an integer for 'maxconn'    => write a decimal integer between 0 and 10000000
            maxconn 10000001              => maxconn        => value 10000001 for 'maxconn' is out of range => use a value between 0 and 10000000
            timeout client                => timeout client => missing argument                          => write it as: timeout client TIME
            timeout client 5x             => timeout client => unexpected character 'x' in time '5x' for 'timeout client' => use an integer with one of the units us, ms, s, m, h, d, e.g. 30s
            default_backend               => default_backend => missing argument                         => write it as: default_backend BACKEND
            use_backend                   => use_backend    => missing argument                          => write it as: use_backend BACKEND [if|unless CONDITION]
            use_backend be_%[path]        => use_backend    => dynamic backend names ('be_%[path]') are not supported by Ferry => write one 'use_backend NAME if CONDITION' line per backend
            use_backend b when TRUE       => use_backend    => unexpected 'when'; expected 'if' or 'unless' => write it as: use_backend BACKEND [if|unless CONDITION]
            bind                          => bind           => missing argument                          => write it as: bind ADDRESS[,ADDRESS...] [OPTIONS...]
            bind :81 maxconn              => bind           => bind option 'maxconn' needs a value       => write it as 'maxconn NUMBER'
            bind :81 maxconn 0            => bind           => bind option 'maxconn': value 0 for 'maxconn' is out of range => use a value between 1 and 10000000
            bind :81 mode 660             => bind           => 'mode' applies to unix sockets only       => remove 'mode' from this bind line, or bind unix@/path
            bind unix@/x mode 999         => bind           => bind option 'mode': invalid mode '999'    => write permissions in octal, e.g. 'mode 660'
            bind :81 "${UNSET}" x         => bind           => empty bind option, often an environment variable that is not set => set the variable, or remove the empty word
            bind :81 nmae x               => bind           => unknown bind option 'nmae'                => did you mean 'name'?
            bind :81 accept-proxy         => bind           => 'accept-proxy' is an HAProxy bind option that Ferry does not support: the PROXY protocol is not implemented => remove 'accept-proxy' from the line
            """)
    void proxyKeywordErrors(String line, String keyword, String message, String fix) {
        Diagnostic e = frontendError(line);
        assertThat(e.keyword()).isEqualTo(keyword);
        assertThat(e.message()).isEqualTo(message);
        assertThat(e.fix()).isEqualTo(fix);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
            retries many                  => retries        => 'many' is not an integer for 'retries'    => write a decimal integer between 0 and 100
            http-reuse sometimes          => http-reuse     => unknown http-reuse mode 'sometimes'       => use never, safe, aggressive or always
            server s                      => server         => expects at least 2 arguments, got 1       => write it as: server NAME ADDRESS [OPTIONS...]
            server { 127.0.0.1:1          => server         => character '{' is not permitted in server name '{' => use letters, digits, '-', '_', '.' and ':' only
            server s 127.0.0.1:1 weight 257 => server       => server option 'weight': value 257 for 'weight' is out of range => use a value between 0 and 256
            server s 127.0.0.1:1 ssl      => server         => 'ssl' is an HAProxy server option that Ferry does not support: Ferry does not terminate TLS; put a TLS terminator in front of it => remove 'ssl' from the line
            server s 127.0.0.1:1 tcp-ut 1.5s => server      => server option 'tcp-ut': unexpected character '.' in time '1.5s' for 'tcp-ut' => use an integer with one of the units us, ms, s, m, h, d, e.g. 30s
            server s fd@3                 => server         => servers cannot be reached through 'fd@'   => use host:port or unix@/path
            default-server frobnicate     => default-server => unknown default-server option 'frobnicate' => see the default-server options in docs/configuration.md
            """)
    void backendKeywordErrors(String line, String keyword, String message, String fix) {
        Diagnostic e = error("backend b\n    " + line + "\n", 2);
        assertThat(e.keyword()).isEqualTo(keyword);
        assertThat(e.message()).isEqualTo(message);
        assertThat(e.fix()).isEqualTo(fix);
    }

    @Test
    void duplicateServerNamesTheFirst() {
        Diagnostic e = error("backend b\n    server s 127.0.0.1:1\n    server s 127.0.0.1:2\n", 3);
        assertThat(e.message()).isEqualTo("server 's' is already declared at t.cfg:2");
        assertThat(e.fix()).isEqualTo("give each server of a backend its own name");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
            acl a                         => expects at least 2 arguments, got 1               => write it as: acl NAME CRITERION [FLAGS] [--] [VALUE ...]
            acl a/b path /                => character '/' is not permitted in ACL name 'a/b'  => use letters, digits, '-', '_', '.' and ':' only
            acl TRUE path /               => 'TRUE' is a predefined ACL and cannot be redefined => choose another name
            acl a foo x                   => unknown ACL criterion 'foo'                       => see the ACL criteria in docs/configuration.md
            acl a pth /                   => unknown ACL criterion 'pth'                       => did you mean 'path'?
            acl a hdr(host x              => missing ')' in criterion 'hdr(host'               => write it as e.g. 'hdr(host)'
            acl a hdr x                   => criterion 'hdr' needs an argument                 => write it as 'hdr(NAME)'
            acl a path(x) /               => criterion 'path' takes no argument                => write it as 'path'
            acl a path,foo /              => converter 'foo' is not supported by Ferry         => use the -i flag to ignore case, or remove the converter
            acl a src,lower 10.0.0.1      => converter 'lower' applies to text, not to 'src'   => remove it
            acl a path -m                 => flag '-m' needs a match method                    => write e.g. '-m beg'
            acl a path -m fuzzy /         => unknown match method 'fuzzy'                      => use one of str, beg, end, sub, reg, dom, dir, len, found, int, ip, bool
            acl a path -m int 5           => match method 'int' cannot be used with 'path', which returns string => remove '-m int' or use another criterion
            acl a path -f                 => flag '-f' needs a file name                       => write e.g. '-f /etc/ferry/paths.lst'
            acl a path -z /               => unknown ACL flag '-z'                             => use -i, -m METHOD, -f FILE, -n or --; write '-- -z' to match a value starting with '-'
            acl a path                    => ACL 'a' has no value to match                     => add one or more values after the criterion, or use '-m found'
            acl a path -m found /x        => match method 'found' takes no value (got '/x')    => remove the values
            acl a path_reg (              => invalid regular expression '(': Unclosed group    => fix the expression (Java regular expression syntax, compatible with PCRE for common use)
            acl a src 1.2.3               => '1.2.3' is not an IP address or network           => write an address with an optional /prefix, e.g. 192.168.0.0/16 or ::1
            acl a src 10.0.0.0/x          => invalid network '10.0.0.0/x'                      => write an address with an optional /prefix, e.g. 10.0.0.0/8
            acl a src 10.0.0.0/40         => prefix /40 is too long for '10.0.0.0'             => use at most /32
            acl a dst_port eq 80          => comparison operators such as 'eq' are not supported by Ferry => write a range instead: 'N', 'MIN:MAX', 'MIN:' or ':MAX'
            acl a dst_port 9:1            => '9:1' is not an integer or integer range          => write 'N', 'MIN:MAX', 'MIN:' or ':MAX', e.g. 1024:65535
            acl a dst_port :              => ':' is not an integer or integer range            => write 'N', 'MIN:MAX', 'MIN:' or ':MAX', e.g. 1024:65535
            use_backend b if              => missing condition after 'if'                      => name an ACL, e.g. 'if is_api', or write an anonymous one, e.g. 'if { path_beg /api }'
            use_backend b if || TRUE      => '||' without a term before it                     => write 'if a || b'
            use_backend b if TRUE ||      => condition ends with '||'                          => add a term after '||'
            use_backend b if !            => '!' at the end of the condition                   => put an ACL name after '!'
            use_backend b if { path /     => missing '}' in anonymous ACL                      => close it with ' }' (with a space before)
            use_backend b if }            => '}' without a matching '{'                        => open an anonymous ACL with '{ '
            use_backend b if nope         => no ACL named 'nope' declared before this line     => declare it with 'acl nope CRITERION VALUES' above this line
            use_backend b if METH_GTE     => no ACL named 'METH_GTE' declared before this line => did you mean 'METH_GET'?
            use_backend b if { }          => missing criterion for ACL 'anonymous-1'           => write 'acl anonymous-1 CRITERION [FLAGS] VALUES', e.g. 'acl anonymous-1 path_beg /api'
            """)
    void aclAndConditionErrors(String line, String message, String fix) {
        Diagnostic e = frontendError(line);
        assertThat(e.keyword()).isEqualTo(line.substring(0, line.indexOf(' ')));
        assertThat(e.message()).isEqualTo(message);
        assertThat(e.fix()).isEqualTo(fix);
    }

    @Test
    void patternFileThatCannotBeRead(@TempDir Path dir) {
        Path missing = dir.resolve("paths.lst");
        Diagnostic e = frontendError("acl a path -f " + missing);
        assertThat(e.message()).isEqualTo("could not read pattern file '" + missing + "'");
        assertThat(e.fix()).startsWith("check that the file exists and is readable");
    }

    @Test
    void patternFileValuesSkipCommentsAndBlankLines(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("paths.lst"), "# API paths\n/api\n\n   /v2  \n");
        Config c = load(String.format(FRONTEND, "    acl a path_beg -f " + file + " /extra\n    use_backend b if a"))
                .valid().orElseThrow();
        Acl.Definition d = c.frontend("f").orElseThrow().acls().get("a").get(0);
        assertThat(d.patterns()).containsExactly("/api", "/v2", "/extra");
        assertThat(d.match()).isEqualTo(Acl.Match.BEG);
    }

    @Test
    void aclsAreParsedIntoTheModel() {
        String rules = """
                    acl api path_beg -i /api /v2
                    acl api hdr_dom(host),lower api.example.com
                    acl ports dst_port 80 1024: :10
                    acl nets src 10.0.0.0/8 ::1
                    acl dash path -- -x
                    use_backend b if api !nets || METH_POST { hdr_cnt(x-a) 2:3 }""";
        Config c = load(String.format(FRONTEND, rules)).valid().orElseThrow();
        Proxy f = c.frontend("f").orElseThrow();
        assertThat(f.acls().get("api")).hasSize(2);
        Acl.Definition first = f.acls().get("api").get(0);
        assertThat(first.ignoreCase()).isTrue();
        assertThat(first.patterns()).containsExactly("/api", "/v2");
        Acl.Definition second = f.acls().get("api").get(1);
        assertThat(second.fetch()).isEqualTo(new Acl.Fetch("hdr", "host", Acl.Type.STRING, java.util.List.of("lower")));
        assertThat(second.match()).isEqualTo(Acl.Match.DOM);
        assertThat(f.acls().get("ports").get(0).ranges()).containsExactly(new Acl.IntRange(80, 80),
                new Acl.IntRange(1024, Long.MAX_VALUE), new Acl.IntRange(Long.MIN_VALUE, 10));
        assertThat(f.acls().get("nets").get(0).networks()).extracting(Acl.Network::prefixLength).containsExactly(8, 128);
        assertThat(f.acls().get("dash").get(0).patterns()).containsExactly("-x");
        Acl.Condition cond = f.useBackends().get(0).condition();
        assertThat(cond.alternatives()).hasSize(2);
        assertThat(cond.alternatives().get(0)).extracting(Acl.Term::name, Acl.Term::negated)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("api", false),
                        org.assertj.core.groups.Tuple.tuple("nets", true));
        assertThat(cond.alternatives().get(1)).extracting(Acl.Term::name)
                .containsExactly("METH_POST", "anonymous-1");
    }
}
