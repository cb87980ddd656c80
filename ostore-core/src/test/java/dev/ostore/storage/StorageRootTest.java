package dev.ostore.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class StorageRootTest {
  @TempDir
  Path dir;

  @Test
  void aRootIsCreatedWhenMissingAndNamesItsHolder() throws IOException {
    Path missing = dir.resolve("a/b");
    try (StorageRoot root = StorageRoot.lock(missing)) {
      assertEquals(missing, root.path());
      assertEquals(ProcessHandle.current().pid() + "\n",
          Files.readString(missing.resolve(StorageRoot.LOCK_FILE)));
    }
  }

  @Test
  void aSecondLockInThisProcessIsRefusedUntilTheFirstIsClosed() throws IOException {
    StorageRoot first = StorageRoot.lock(dir);
    IOException refused = assertThrows(IOException.class, () -> StorageRoot.lock(dir));
    assertEquals("the storage root " + dir + " is in use by another ostore server in this "
        + "process", refused.getMessage());
    first.close();
    first.close();
    StorageRoot.lock(dir).close();
  }

  @Test
  void aRootLockedByAnotherProcessIsRefusedAndFreedWhenThatProcessIsKilled() throws Exception {
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
        dir.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
          UTF_8));
      assertEquals("locked", out.readLine());
      IOException refused = assertThrows(IOException.class, () -> StorageRoot.lock(dir));
      assertEquals("the storage root " + dir + " is in use by another ostore server (process "
          + holder.pid() + ")", refused.getMessage());
    } finally {
      holder.destroyForcibly().waitFor();
    }
    // kill -9 runs no code in the holder: the operating system released its lock.
    StorageRoot.lock(dir).close();
  }

  @Test
  void aRootThatCannotBeCreatedIsRefusedWithTheReason() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "not a directory");
    IOException refused = assertThrows(IOException.class,
        () -> StorageRoot.lock(file.resolve("root")));
    assertTrue(refused.getMessage().startsWith("cannot create the storage root "
        + file.resolve("root") + ": "), refused.getMessage());
    assertEquals(List.of(file), List.of(Files.list(dir).toArray()));
  }

  @Test
  void anAbandonedRootThatHoldsNothingGoesWithTheDirectoriesMadeForIt() throws IOException {
    Path made = dir.resolve("a");
    StorageRoot.lock(made.resolve("b/root")).abandon();
    assertEquals(List.of(), List.of(Files.list(dir).toArray()));
    // One that existed stays, its lock free again.
    StorageRoot existed = StorageRoot.lock(dir);
    existed.abandon();
    existed.abandon();
    assertTrue(Files.isDirectory(dir));
    StorageRoot.lock(dir).close();
  }

  @Test
  void anAbandonedRootThatHoldsMoreThanItsLockStays() throws IOException {
    Path made = dir.resolve("a/root");
    StorageRoot root = StorageRoot.lock(made);
    root.write("store.properties", new Properties(), "which store this is");
    root.abandon();
    assertEquals(List.of(StorageRoot.LOCK_FILE, "store.properties"),
        Files.list(made).map(p -> p.getFileName().toString()).sorted().toList());
    StorageRoot.lock(made).close();
  }

  @Test
  void aRecordIsReadBackAndReplacedWhole() throws IOException {
    try (StorageRoot root = StorageRoot.lock(dir)) {
      assertEquals(Optional.empty(), root.read("store.properties"));
      Properties record = new Properties();
      record.setProperty("data-servers", "3");
      record.setProperty("id", "abc");
      root.write("store.properties", record, "which store this is");
      record.remove("id");
      record.setProperty("data-servers", "6");
      root.write("store.properties", record, "which store this is");
      assertEquals(record, root.read("store.properties").orElseThrow());
      assertTrue(Files.readString(dir.resolve("store.properties"))
          .startsWith("#which store this is\n"));
      assertEquals(List.of(StorageRoot.LOCK_FILE, "store.properties"),
          Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  /** Holds the lock on the root given as argument until killed. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      StorageRoot.lock(Path.of(args[0]));
      System.out.println("locked");
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
