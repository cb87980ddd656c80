package dev.ostore.bus;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The reconnect listeners of a fake {@link MessageBus}, and a broker's return to play to them. */
public final class ReconnectListeners {
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  /** What {@link MessageBus#onReconnect} returns: closing it removes the listener. */
  public Subscription add(Runnable listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Plays a broker that came back: runs the listeners, on the test's thread. */
  public void reconnected() {
    listeners.forEach(Runnable::run);
  }
}
