package io.ferry.testing;

import io.ferry.config.Config;
import io.ferry.config.Located;
import io.ferry.config.Proxy;
import io.ferry.config.ProxyOption;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Changes parts of a parsed configuration in code, as an embedding program building its model
 * would: for settings whose keywords a test cannot rely on being parsed here.
 */
public final class Models {

    private Models() {
    }

    /** The configuration with {@code options} switched on in proxy {@code name}. */
    public static Config withOptions(Config config, String name, ProxyOption... options) {
        return withProxy(config, name, p -> {
            Map<ProxyOption, Located<Boolean>> m = new EnumMap<>(ProxyOption.class);
            m.putAll(p.options());
            for (ProxyOption o : options) {
                m.put(o, Located.builtIn(true));
            }
            return copy(p, "options", Map.copyOf(m));
        });
    }

    /** The configuration with one component of proxy {@code name} replaced. */
    public static Config with(Config config, String name, String component, Object value) {
        return withProxy(config, name, p -> copy(p, component, value));
    }

    private static Config withProxy(Config config, String name, java.util.function.UnaryOperator<Proxy> change) {
        List<Proxy> proxies = new ArrayList<>();
        for (Proxy p : config.proxies()) {
            proxies.add(p.name().equals(name) ? change.apply(p) : p);
        }
        return new Config(config.global(), List.copyOf(proxies), config.defaults(), config.files());
    }

    /** A copy of a record with one component replaced. */
    @SuppressWarnings("unchecked")
    public static <R extends Record> R copy(R record, String component, Object value) {
        try {
            RecordComponent[] parts = record.getClass().getRecordComponents();
            Object[] args = new Object[parts.length];
            Class<?>[] types = new Class<?>[parts.length];
            boolean found = false;
            for (int i = 0; i < parts.length; i++) {
                types[i] = parts[i].getType();
                if (parts[i].getName().equals(component)) {
                    args[i] = value;
                    found = true;
                } else {
                    args[i] = parts[i].getAccessor().invoke(record);
                }
            }
            if (!found) {
                throw new IllegalArgumentException("no component " + component + " in " + record.getClass());
            }
            Constructor<?> c = record.getClass().getDeclaredConstructor(types);
            return (R) c.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
