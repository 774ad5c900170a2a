/**
 * The demonstration's own origins, started in the same process as Ferry by {@code ferry demo} so
 * that nothing else needs installing: {@link io.ferry.demo.DemoSite}, a static web site standing in
 * for nginx, and {@link io.ferry.demo.ChatServer}, a WebSocket chat standing in for a Node
 * application. Both listen on 127.0.0.1 and an ephemeral port; {@link io.ferry.demo.DemoOrigins}
 * starts them together.
 */
package io.ferry.demo;
