package dev.ostore.client.cli;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a command stopped by Ctrl-C (SIGINT) or SIGTERM clean up as a failed one does: the JVM
 * then runs its shutdown hooks while the command's thread goes on, so the hook interrupts that
 * thread and waits a while for it to finish. The SDK ends a transfer whose thread is
 * interrupted between two of its writes, and a wait at once: a download deletes its temporary
 * file, an upload its upload on the server, {@code bench} removes what it wrote. A thread stuck
 * on the network is not woken, and the hook gives up after its wait. Without it, the JVM would
 * stop the command wherever it was, leaving all of that behind.
 */
final class Interruption {
  private final Thread command;
  private final Duration wait;
  private final CountDownLatch finished = new CountDownLatch(1);

  private Interruption(Thread command, Duration wait) {
    this.command = command;
    this.wait = wait;
  }

  /** Watches {@code command}, the thread running the command line, until {@link #finished}. */
  static Interruption install(Thread command, Duration wait) {
    Interruption interruption = new Interruption(command, wait);
    Runtime.getRuntime().addShutdownHook(new Thread(interruption::stop, "ostore-interrupted"));
    return interruption;
  }

  /** The command has ended, and cleaned up if it was interrupted: the hook need not wait. */
  void finished() {
    finished.countDown();
  }

  /** Whether {@code failure}, or what caused it, is what an interrupt made of the work. */
  static boolean causedBy(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause()) {
      if (e instanceof InterruptedException || e instanceof ClosedByInterruptException
          || (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException))) {
        return true;
      }
    }
    return false;
  }

  private void stop() {
    if (finished.getCount() == 0) {
      return; // an exit of the command's own
    }
    command.interrupt();
    try {
      finished.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
