package dev.ostore.storage;

import dev.ostore.ContentHash;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock for each content hash, so that what changes the files of one hash takes turns: 256 locks
 * shared by all hashes, which keeps them few and lets unrelated hashes rarely wait. Locks, not
 * monitors: each is held across file system calls, which must not pin a virtual thread.
 */
final class HashLocks {
  /** What runs under a hash's lock. */
  interface Locked<T> {
    T run() throws IOException;
  }

  private final ReentrantLock[] locks = new ReentrantLock[256];

  HashLocks() {
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /** Runs {@code action} under {@code hash}'s lock and returns what it did. */
  <T> T locked(ContentHash hash, Locked<T> action) throws IOException {
    ReentrantLock lock = locks[Math.floorMod(hash.hashCode(), locks.length)];
    lock.lock();
    try {
      return action.run();
    } finally {
      lock.unlock();
    }
  }
}
