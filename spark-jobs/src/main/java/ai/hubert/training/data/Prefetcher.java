package ai.hubert.training.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs {@code decode} over {@code inputs} on a background thread, up to {@code depth} items ahead of the consumer
 * (a bounded queue), so the training loop takes decoded, cropped batches without waiting for decoding. Items come
 * out in input order. A failure of {@code decode} (or of the input iterator) is rethrown by the {@link #next()} that
 * would have returned that item, wrapped with the input it failed on. {@link #close()} stops the thread (also while
 * it is blocked on a full queue) and waits for it; a task that ends, fails or is killed closes it in a
 * try-with-resources block.
 */
public final class Prefetcher<I, O> implements Iterator<O>, AutoCloseable {
  private static final Object END = new Object();

  /** A failed decode, carried through the queue to the consumer. */
  private record Failure(Object input, Throwable cause) {}

  private final BlockingQueue<Object> queue;
  private final Thread thread;
  private Object head;
  private volatile boolean closed;

  /**
   * Starts decoding.
   *
   * @param name thread name (shown in thread dumps)
   * @param depth how many decoded items may wait in the queue, at least 1
   */
  public Prefetcher(String name, Iterator<I> inputs, Function<I, O> decode, int depth) {
    if (depth < 1) {
      throw new IllegalArgumentException("Prefetch depth must be >= 1, found " + depth);
    }
    this.queue = new ArrayBlockingQueue<>(depth);
    this.thread = new Thread(() -> produce(inputs, decode), name);
    thread.setDaemon(true);
    thread.start();
  }

  private void produce(Iterator<I> inputs, Function<I, O> decode) {
    try {
      while (!closed && inputs.hasNext()) {
        I in = inputs.next();
        Object out;
        try {
          out = decode.apply(in);
        } catch (RuntimeException | Error e) {
          queue.put(new Failure(in, e));
          return;
        }
        queue.put(out);
      }
      queue.put(END);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closed while waiting for room: just stop
    } catch (RuntimeException | Error e) {
      queue.offer(new Failure("(input iterator)", e));
    }
  }

  @Override
  public boolean hasNext() {
    return peek() != END;
  }

  @Override
  @SuppressWarnings("unchecked")
  public O next() {
    Object item = peek();
    if (item == END) {
      throw new NoSuchElementException("Prefetcher " + thread.getName() + " has no more items");
    }
    head = null;
    if (item instanceof Failure f) {
      head = END;
      throw new IllegalStateException("Prefetch thread " + thread.getName() + " failed on " + f.input() + ": "
          + f.cause().getMessage(), f.cause());
    }
    return (O) item;
  }

  private Object peek() {
    if (head == null) {
      if (closed) {
        throw new IllegalStateException("Prefetcher " + thread.getName() + " is closed");
      }
      try {
        while ((head = queue.poll(1, TimeUnit.SECONDS)) == null) {
          if (!thread.isAlive() && queue.isEmpty()) {
            throw new IllegalStateException("Prefetch thread " + thread.getName() + " died without a result");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for prefetch thread " + thread.getName(), e);
      }
    }
    return head;
  }

  /** Whether the background thread is still running (false after {@link #close()} returns). */
  public boolean running() {
    return thread.isAlive();
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    queue.clear();
  }
}
