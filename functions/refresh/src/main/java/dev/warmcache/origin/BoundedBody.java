package dev.warmcache.origin;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a 200 body up to a byte limit and stops reading, cancelling the stream, the moment the
 * limit is passed; other statuses' bodies are discarded. So an oversized or endless body costs at
 * most {@code limit + 1} bytes of memory, and the caller's deadline bounds the time.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<BoundedBody.Bytes> {

  /** The body read, or its first {@code limit + 1} bytes with {@code truncated} set. */
  record Bytes(byte[] bytes, boolean truncated) {}

  private final int limit;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CompletableFuture<Bytes> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  private BoundedBody(int limit) {
    this.limit = limit;
  }

  static HttpResponse.BodySubscriber<Bytes> of(HttpResponse.ResponseInfo info, int limit) {
    if (info.statusCode() != 200) {
      return HttpResponse.BodySubscribers.replacing(new Bytes(new byte[0], false));
    }
    long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
    // A declared length over the limit is refused without reading a byte of it.
    return new BoundedBody(declared > limit ? -1 : limit);
  }

  @Override
  public CompletionStage<Bytes> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (limit < 0) {
      s.cancel();
      result.complete(new Bytes(new byte[0], true));
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    for (ByteBuffer b : buffers) {
      int take = Math.min(b.remaining(), limit + 1 - out.size());
      byte[] chunk = new byte[take];
      b.get(chunk);
      out.write(chunk, 0, take);
    }
    if (out.size() > limit) {
      subscription.cancel();
      result.complete(new Bytes(out.toByteArray(), true));
    } else {
      subscription.request(1);
    }
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    result.complete(new Bytes(out.toByteArray(), false));
  }
}
