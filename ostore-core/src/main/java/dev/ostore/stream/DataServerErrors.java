package dev.ostore.stream;

import dev.ostore.ErrorCode;
import dev.ostore.http.ErrorStatus;
import java.net.HttpURLConnection;

/**
 * What an api server makes of a data server's failure, whether it answered over HTTP or was
 * called in this process: one mapping, so that the two ways of reaching a data server cannot
 * come to differ. Busy, conflict, a failed precondition, no room and not found keep their meaning;
 * everything else is the data server failing.
 */
public final class DataServerErrors {
  /** WebDAV's status for a server without room, which {@link HttpURLConnection} does not name. */
  private static final int INSUFFICIENT_STORAGE = 507;

  private DataServerErrors() {}

  /** The code for a data server's answer {@code status}, an error. */
  public static ErrorCode heard(int status) {
    return switch (status) {
      case HttpURLConnection.HTTP_NOT_FOUND -> ErrorCode.NOT_FOUND;
      case HttpURLConnection.HTTP_UNAVAILABLE -> ErrorCode.BUSY;
      case HttpURLConnection.HTTP_CONFLICT -> ErrorCode.CONFLICT;
      case HttpURLConnection.HTTP_PRECON_FAILED -> ErrorCode.PRECONDITION_FAILED;
      case INSUFFICIENT_STORAGE -> ErrorCode.INSUFFICIENT_STORAGE;
      default -> ErrorCode.DATA_SERVER_FAILED;
    };
  }

  /** The code for a data server's failure {@code code}: as its answer over HTTP is heard. */
  public static ErrorCode heard(ErrorCode code) {
    return heard(ErrorStatus.of(code));
  }
}
