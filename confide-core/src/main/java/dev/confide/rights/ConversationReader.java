package dev.confide.rights;

import dev.confide.chat.Conversations;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a subject's conversations and every version of their messages, opened, on a thread of its
 * own, and hands them over in order through a bounded queue: the archive's writer serializes
 * messages while the next ones are read and decrypted, which together are about half of the work.
 * Messages go over in batches of up to {@link #BATCH}, so the two threads do not wake each other per
 * message. At most {@link #CAPACITY} batches wait, besides the page of versions being read and the
 * batch being written, so memory stays bounded: at most about 2.5 pages of versions (640
 * messages). The reader is never interrupted (an interrupt in the middle of a database call can
 * close the embedded database's file); {@link #close} makes it stop at its next hand-over instead.
 */
final class ConversationReader implements AutoCloseable {
  static final int BATCH = 64;
  static final int CAPACITY = 4;
  private static final int CONVERSATION_PAGE = 100;

  /** What the reader hands over: a conversation begins, versions of its messages in order, or the end. */
  sealed interface Item {}

  record Begin(Conversations.Listed conversation) implements Item {}

  record Messages(List<Conversations.Version> versions) implements Item {}

  /** The end: {@code failure} null when everything was read. */
  record End(RuntimeException failure) implements Item {}

  private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(CAPACITY);
  private volatile boolean closed;

  /** Cancellation seen by the reader at a hand-over. */
  private static final class Closed extends RuntimeException {
    Closed() {
      super(null, null, false, false);
    }
  }

  private ConversationReader() {}

  /** Starts reading the subject's conversations, by id, a page at a time. */
  static ConversationReader start(Conversations conversations, UUID subject) {
    ConversationReader reader = new ConversationReader();
    Thread thread = new Thread(() -> reader.read(conversations, subject), "access-report-reader");
    thread.setDaemon(true);
    thread.start();
    return reader;
  }

  private void read(Conversations conversations, UUID subject) {
    try {
      UUID after = null;
      while (true) {
        List<Conversations.Listed> page = conversations.listAfter(subject, after, CONVERSATION_PAGE);
        for (Conversations.Listed c : page) {
          put(new Begin(c));
          List<Conversations.Version> batch = new ArrayList<>(BATCH);
          conversations.<RuntimeException>forEachVersion(subject, c.summary().id(), v -> {
            batch.add(v);
            if (batch.size() == BATCH) {
              put(new Messages(List.copyOf(batch)));
              batch.clear();
            }
          });
          if (!batch.isEmpty()) {
            put(new Messages(List.copyOf(batch)));
          }
        }
        if (page.size() < CONVERSATION_PAGE) {
          break;
        }
        after = page.get(page.size() - 1).summary().id();
      }
      put(new End(null));
    } catch (Closed stop) {
      // the writer gave up; nothing more to hand over
    } catch (RuntimeException | Error e) {
      try {
        put(new End(e instanceof RuntimeException r ? r : new IllegalStateException("reading the conversations failed", e)));
      } catch (Closed stop) {
        // the writer gave up meanwhile
      }
    }
  }

  private void put(Item item) {
    try {
      while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
        if (closed) {
          throw new Closed();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Closed();
    }
  }

  /** The next item, waiting for it; after {@link End} there is none. */
  Item next() throws IOException {
    try {
      return queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading conversations");
    }
  }

  /** Lets the reader stop; what it still held is dropped. */
  @Override
  public void close() {
    closed = true;
    queue.clear();
  }
}
