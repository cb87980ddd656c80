package dev.ostore.stream;

import dev.ostore.heartbeat.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} that runs nothing by itself: {@link #runDue()} runs, on the
 * calling thread, the tasks due by a {@link FakeClock}, so a test decides when time passes and
 * when a watch looks. Only fixed-delay tasks, which is what ostore schedules; thread-safe.
 */
public final class FakeScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final FakeClock clock;
  private final List<Task> tasks = new CopyOnWriteArrayList<>();

  public FakeScheduler(FakeClock clock) {
    this.clock = clock;
  }

  /** Runs each task due by the clock once, then schedules it again a delay later. */
  public void runDue() {
    for (Task task : tasks) {
      if (!task.cancelled && !task.due.isAfter(clock.instant())) {
        task.due = clock.instant().plus(task.delay);
        task.command.run();
      }
    }
    tasks.removeIf(task -> task.cancelled);
  }

  /** How many tasks are scheduled and not cancelled. */
  public int scheduled() {
    return (int) tasks.stream().filter(task -> !task.cancelled).count();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay,
      long delay, TimeUnit unit) {
    Task task = new Task(command,
        clock.instant().plus(Duration.of(initialDelay, unit.toChronoUnit())),
        Duration.of(delay, unit.toChronoUnit()));
    tasks.add(task);
    return task;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("only fixed-delay tasks");
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("only fixed-delay tasks");
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
      TimeUnit unit) {
    throw new UnsupportedOperationException("only fixed-delay tasks");
  }

  @Override
  public void execute(Runnable command) {
    throw new UnsupportedOperationException("only fixed-delay tasks");
  }

  @Override
  public void shutdown() {}

  @Override
  public List<Runnable> shutdownNow() {
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return false;
  }

  private final class Task implements ScheduledFuture<Object> {
    final Runnable command;
    final Duration delay;
    volatile Instant due;
    volatile boolean cancelled;

    Task(Runnable command, Instant due, Duration delay) {
      this.command = command;
      this.due = due;
      this.delay = delay;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(Duration.between(clock.instant(), due));
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return cancelled;
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException("a fixed-delay task never completes");
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException("a fixed-delay task never completes");
    }
  }
}
