package io.ferry.proxy;

import io.ferry.balance.BackendServer;
import io.ferry.balance.Balancer;
import io.ferry.config.Proxy;
import io.ferry.config.ProxyOption;
import io.ferry.config.Server;
import java.util.ArrayList;
import java.util.List;

/** A backend at run time: its servers and balancer, built once from the model. */
final class Backend {

    final Proxy model;
    final List<BackendServer> servers;
    final Balancer balancer;
    final boolean redispatch;

    Backend(Proxy model) {
        this.model = model;
        List<BackendServer> list = new ArrayList<>();
        int id = 1;
        for (Server s : model.servers()) {
            list.add(new BackendServer(model.name(), s.name(), s.address().address(), s.address().port(),
                    s.options().weight(), s.options().backup(), s.options().disabled(), id++));
        }
        this.servers = List.copyOf(list);
        this.balancer = Balancer.create(model.balance(), servers, model.option(ProxyOption.ALLBACKUPS));
        this.redispatch = model.option(ProxyOption.REDISPATCH);
    }

    String name() {
        return model.name();
    }

    Proxy.HttpReuse reuse() {
        return model.httpReuse();
    }
}
