package dev.ostore.http;

import dev.ostore.ErrorCode;

/** The HTTP status for each {@link ErrorCode}: one exhaustive switch, so none is forgotten. */
final class ErrorStatus {
  private ErrorStatus() {}

  static int of(ErrorCode code) {
    return switch (code) {
      case BAD_REQUEST -> 400;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case RANGE_NOT_SATISFIABLE -> 416;
      case NOT_ACCEPTABLE -> 406;
      case NO_DATA_SERVER, BUS_UNAVAILABLE, METADATA_UNAVAILABLE, BUSY -> 503;
      case DATA_SERVER_UNREACHABLE, DATA_SERVER_FAILED -> 502;
      case STORAGE_FAILED -> 500;
    };
  }
}
