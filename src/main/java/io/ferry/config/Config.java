package io.ferry.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A whole configuration, valid and with every reference resolved: what Ferry runs. Build one with
 * {@link ConfigLoader}.
 *
 * @param proxies frontends, backends and listen sections in the order they were written
 * @param defaults the {@code defaults} sections, named ones by name and anonymous ones under their position
 * @param files the files it was read from, in order
 */
public record Config(GlobalSettings global, List<Proxy> proxies, Map<String, Proxy> defaults, List<String> files) {

    public List<Proxy> frontends() {
        return proxies.stream().filter(p -> p.kind().isFrontend()).toList();
    }

    public List<Proxy> backends() {
        return proxies.stream().filter(p -> p.kind().isBackend()).toList();
    }

    public Optional<Proxy> frontend(String name) {
        return frontends().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Optional<Proxy> backend(String name) {
        return backends().stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
