package dev.ostore.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.ReconnectListeners;
import dev.ostore.bus.Subscription;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link HeartbeatPublisher} on a real scheduler with a short interval, counted on the bus. */
@Timeout(10)
class HeartbeatPublisherTest {
  private static final Heartbeat SELF = new Heartbeat(new ServerAddress("127.0.0.1", 9001),
      ServerId.parse("00112233445566778899aabbccddeeff"));
  private static final String HEARTBEAT =
      "{\"Addr\":\"127.0.0.1:9001\",\"Id\":\"00112233445566778899aabbccddeeff\"}";
  private static final Duration INTERVAL = Duration.ofMillis(50);

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final BlockingQueue<Message> heard = new LinkedBlockingQueue<>();
  private MessageBus bus;
  private Subscription listener;

  @BeforeEach
  void listen() throws IOException {
    bus = MessageBus.inMemory();
    listener = bus.subscribe(MessageBus.API_SERVERS, heard::add);
  }

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
    listener.close();
    bus.close();
  }

  @Test
  void publishesTheAddressAndIdAtOnce() throws Exception {
    try (HeartbeatPublisher publisher =
        HeartbeatPublisher.start(bus, SELF, Duration.ofHours(1), scheduler)) {
      assertEquals(HEARTBEAT, take().body());
    }
  }

  @Test
  void eachHeartbeatSaysTheRoomTheServerHasThen() throws Exception {
    AtomicLong free = new AtomicLong(4096);
    try (HeartbeatPublisher publisher = HeartbeatPublisher.start(bus,
        () -> new Heartbeat(SELF.address(), SELF.id().orElseThrow(), free.get()), INTERVAL,
        scheduler)) {
      assertEquals(OptionalLong.of(4096), Heartbeat.parse(take().body()).free());
      free.set(0);
      Heartbeat later;
      do {
        later = Heartbeat.parse(take().body());
      } while (!later.full());
      assertEquals(SELF.address(), later.address());
    }
  }

  @Test
  void publishesAgainAtEachInterval() throws Exception {
    long start = System.nanoTime();
    try (HeartbeatPublisher publisher = HeartbeatPublisher.start(bus, SELF, INTERVAL, scheduler)) {
      for (int i = 0; i < 4; i++) {
        assertEquals(HEARTBEAT, take().body());
      }
    }
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    // At start, then after one, two and three intervals: a burst would come sooner.
    assertTrue(elapsedMillis >= 3 * INTERVAL.toMillis(),
        "4 heartbeats in " + elapsedMillis + " ms");
  }

  @Test
  void keepsPublishingAfterFailedPublishes() throws Exception {
    ScriptedBus flaky = new ScriptedBus(bus);
    flaky.failNext(new IOException("broker away on purpose"));
    flaky.failNext(new IllegalStateException("channel closed on purpose"));
    flaky.failNext(new IOException("still away on purpose"));
    try (HeartbeatPublisher publisher =
        HeartbeatPublisher.start(flaky, SELF, INTERVAL, scheduler)) {
      assertEquals(HEARTBEAT, take().body());
      assertEquals(HEARTBEAT, take().body());
    }
    assertTrue(flaky.attempts.get() >= 5, "attempts: " + flaky.attempts.get());
  }

  @Test
  void publishesAtOnceWhenTheBusReconnectsRatherThanAtItsNextTurn() throws Exception {
    ScriptedBus reconnecting = new ScriptedBus(bus);
    try (HeartbeatPublisher publisher =
        HeartbeatPublisher.start(reconnecting, SELF, Duration.ofHours(1), scheduler)) {
      assertEquals(HEARTBEAT, take().body());
      reconnecting.reconnected();
      assertEquals(HEARTBEAT, take().body());
      reconnecting.reconnected();
      assertEquals(HEARTBEAT, take().body());
    }
  }

  @Test
  void aClosedPublisherStaysQuietWhenTheBusReconnects() throws Exception {
    ScriptedBus reconnecting = new ScriptedBus(bus);
    HeartbeatPublisher publisher =
        HeartbeatPublisher.start(reconnecting, SELF, Duration.ofHours(1), scheduler);
    take();
    publisher.close();
    reconnecting.reconnected();
    assertNull(heard.poll(300, TimeUnit.MILLISECONDS));
  }

  @Test
  void stopsPublishingWhenClosed() throws Exception {
    ScriptedBus counting = new ScriptedBus(bus);
    HeartbeatPublisher publisher = HeartbeatPublisher.start(counting, SELF, INTERVAL, scheduler);
    take();
    take();
    publisher.close();
    publisher.close();

    // A probe on the same one-thread scheduler at the same rate: while it ticks, a heartbeat
    // still scheduled would have had its turns too. Its first tick also comes after any
    // heartbeat that was running when close() was called.
    CountDownLatch ticks = new CountDownLatch(5);
    AtomicInteger attemptsAtFirstTick = new AtomicInteger(-1);
    ScheduledFuture<?> probe = scheduler.scheduleAtFixedRate(() -> {
      attemptsAtFirstTick.compareAndSet(-1, counting.attempts.get());
      ticks.countDown();
    }, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    assertTrue(ticks.await(5, TimeUnit.SECONDS));
    probe.cancel(false);
    assertEquals(attemptsAtFirstTick.get(), counting.attempts.get(),
        "no heartbeat during four intervals after close");
  }

  private Message take() throws InterruptedException {
    Message message = heard.poll(5, TimeUnit.SECONDS);
    assertNotNull(message, "no heartbeat within 5 s");
    return message;
  }

  /** A bus that counts publishes and fails the next ones as scripted, then passes them on. */
  private static final class ScriptedBus implements MessageBus {
    final AtomicInteger attempts = new AtomicInteger();
    private final MessageBus delegate;
    private final Deque<Exception> failures = new ArrayDeque<>();
    private final ReconnectListeners reconnects = new ReconnectListeners();

    ScriptedBus(MessageBus delegate) {
      this.delegate = delegate;
    }

    synchronized void failNext(Exception failure) {
      failures.add(failure);
    }

    @Override
    public void publish(String exchange, String body) throws IOException {
      attempts.incrementAndGet();
      Exception failure;
      synchronized (this) {
        failure = failures.poll();
      }
      if (failure instanceof IOException io) {
        throw io;
      }
      if (failure instanceof RuntimeException runtime) {
        throw runtime;
      }
      delegate.publish(exchange, body);
    }

    @Override
    public Subscription subscribe(String exchange, Consumer<Message> handler) throws IOException {
      return delegate.subscribe(exchange, handler);
    }

    @Override
    public Subscription request(String exchange, String body, Consumer<Message> onReply)
        throws IOException {
      return delegate.request(exchange, body, onReply);
    }

    @Override
    public void reply(Message request, String body) throws IOException {
      delegate.reply(request, body);
    }

    @Override
    public Subscription onReconnect(Runnable listener) {
      return reconnects.add(listener);
    }

    /** Plays a broker that came back. */
    void reconnected() {
      reconnects.reconnected();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
