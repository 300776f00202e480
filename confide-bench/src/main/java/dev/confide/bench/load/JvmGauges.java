package dev.confide.bench.load;

import com.sun.management.UnixOperatingSystemMXBean;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import dev.confide.store.Database;

/**
 * What a soak watches for growth, read inside the server's JVM: heap used right after a full
 * collection, live threads, open file descriptors, and the database pool.
 *
 * <p>Heap is read after an explicit {@link System#gc()} (a full, stop-the-world collection under
 * G1, since {@code -XX:+ExplicitGCInvokesConcurrent} is off by default), so every sample measures
 * the same thing — what is still reachable — rather than wherever the young generation happened to
 * be. The pause (tens of milliseconds) is the price, paid once per sample. On H2 the database runs
 * in the same heap, so its page cache (which fills up to its cap as the file grows) is read too,
 * from {@code INFORMATION_SCHEMA.SETTINGS}, in whole MiB as H2 reports it.
 */
final class JvmGauges {
  /** One reading. Pool figures are -1 when the data source is not a Hikari pool, the H2 cache -1 on PostgreSQL. */
  record Reading(long heapAfterGcBytes, int threads, long openFiles, int poolActive, int poolIdle, int poolWaiting,
      long h2CacheMiB) {}

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
  private final HikariPoolMXBean pool;
  private final Database database;

  JvmGauges(Database database) {
    this.database = database;
    this.pool = database.dataSource() instanceof HikariDataSource hikari ? hikari.getHikariPoolMXBean() : null;
  }

  Reading read() {
    System.gc();
    long heap = memory.getHeapMemoryUsage().getUsed();
    long files = os instanceof UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
    long h2Cache = database.backend() != Database.Backend.H2 ? -1 : database.jdbi().withHandle(h -> h.createQuery(
        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.CACHE_SIZE'").mapTo(Long.class).one());
    return new Reading(heap, threads.getThreadCount(), files,
        pool == null ? -1 : pool.getActiveConnections(), pool == null ? -1 : pool.getIdleConnections(),
        pool == null ? -1 : pool.getThreadsAwaitingConnection(), h2Cache);
  }
}
