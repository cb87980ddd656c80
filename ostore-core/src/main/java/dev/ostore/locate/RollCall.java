package dev.ostore.locate;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.Json;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import dev.ostore.heartbeat.Heartbeat;
import dev.ostore.heartbeat.LiveServers;
import java.io.IOException;
import java.lang.System.Logger;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An api server's roll call: when it starts, and each time its bus reconnects to the broker, it
 * asks every data server to answer, and counts each that does as live. After a broker outage,
 * data servers announce themselves as soon as they reconnect, but an api server that reconnects
 * after them has no queue yet to hear it, and would wait for their next heartbeat (up to 5 s).
 *
 * <p>The question is a locate request for the key {@value #KEY}, which names no content: ostore
 * data servers answer every locate request that has a correlation id, so each answers that it
 * does not have it, with its address. Servers built from the reference code answer hits only;
 * they are heard at their next heartbeat. Closing stops it; idempotent.
 */
public final class RollCall implements AutoCloseable {
  /** A locate key that is no content hash, so that no data server holds it. */
  static final String KEY = "roll call";
  private static final Logger log = System.getLogger(RollCall.class.getName());

  private final MessageBus bus;
  private final LiveServers live;
  /** The last roll call's replies, taken until the next one or close: late answers count too. */
  private final AtomicReference<Subscription> replies = new AtomicReference<>(() -> {});
  private final Subscription reconnects;
  private final AtomicBoolean open = new AtomicBoolean(true);

  private RollCall(MessageBus bus, LiveServers live) {
    this.bus = bus;
    this.live = live;
    this.reconnects = bus.onReconnect(this::call);
  }

  /** Calls the roll on {@code bus} now and after each reconnect; tells {@code live} who answers. */
  public static RollCall start(MessageBus bus, LiveServers live) {
    RollCall rollCall = new RollCall(bus, live);
    rollCall.call();
    return rollCall;
  }

  private void call() {
    if (!open.get()) {
      return;
    }
    Subscription request;
    try {
      request = bus.request(MessageBus.DATA_SERVERS, Json.quote(KEY), this::answered);
    } catch (IOException e) {
      // The broker is away: its return calls the roll again, and heartbeats go on meanwhile.
      log.log(DEBUG, () -> "roll call not sent: " + e.getMessage());
      return;
    }
    replies.getAndSet(request).close();
    if (!open.get()) {
      stopListening(); // close() ran meanwhile and may have missed this request.
    }
  }

  private void answered(Message reply) {
    try {
      LocateReply answer = LocateReply.parse(reply.body());
      live.heard(new Heartbeat(answer.server(), answer.serverId()));
    } catch (IllegalArgumentException e) {
      log.log(WARNING, () -> "ignored a malformed answer to the roll call: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      reconnects.close();
      stopListening();
    }
  }

  private void stopListening() {
    replies.getAndSet(() -> {}).close();
  }
}
