package dev.ostore.http;

import dev.ostore.ErrorCode;

/** The HTTP status for each {@link ErrorCode}: one exhaustive switch, so none is forgotten. */
public final class ErrorStatus {
  private ErrorStatus() {}

  /** The status a server answers a request that failed with {@code code}. */
  public static int of(ErrorCode code) {
    return switch (code) {
      case BAD_REQUEST -> 400;
      case STALLED -> 408;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case FORBIDDEN -> 403;
      case GONE -> 410;
      case RANGE_NOT_SATISFIABLE, WRONG_OFFSET -> 416;
      // tus' checksum extension: "460 Checksum Mismatch".
      case CHECKSUM_MISMATCH -> 460;
      case PRECONDITION_FAILED -> 412;
      case UNSUPPORTED_MEDIA_TYPE -> 415;
      case NOT_ACCEPTABLE -> 406;
      case NO_DATA_SERVER, BUS_UNAVAILABLE, METADATA_UNAVAILABLE, BUSY, STOPPING -> 503;
      case DATA_SERVER_UNREACHABLE, DATA_SERVER_FAILED -> 502;
      case STORAGE_FAILED -> 500;
      case INSUFFICIENT_STORAGE -> 507;
    };
  }
}
