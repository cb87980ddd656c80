package dev.ostore;

/**
 * What went wrong, in the terms a caller must tell apart. The HTTP layer maps each code to one
 * status in a single exhaustive switch, so a new code cannot fall through to 500 unnoticed.
 */
public enum ErrorCode {
  /**
   * The request itself is wrong (bad name, bad header, incomplete body); retrying will not help.
   */
  BAD_REQUEST,
  /** The client stopped sending the request's body for longer than the server waits for it. */
  STALLED,
  /** The object (or endpoint) does not exist. */
  NOT_FOUND,
  /**
   * No data server is live: the caller should retry once data servers have announced themselves.
   */
  NO_DATA_SERVER,
  /** The message bus (the broker) is unreachable, so data servers cannot be asked; retry later. */
  BUS_UNAVAILABLE,
  /**
   * A data server could not be reached at all; nothing was sent, so another server may be tried.
   */
  DATA_SERVER_UNREACHABLE,
  /** A data server failed while serving the request; what it had received is discarded. */
  DATA_SERVER_FAILED,
  /** The request conflicts with another one in progress on the same thing; retry later. */
  CONFLICT,
  /** This server's own disk failed (full, read-only, I/O error); nothing partial was kept. */
  STORAGE_FAILED,
  /**
   * No room for new content: a data server's free space is below the reserve it keeps, or not
   * enough data servers have room for a write's shards. Reads go on; retry once space is freed.
   */
  INSUFFICIENT_STORAGE,
  /** The metadata store cannot be reached or failed; retry later. */
  METADATA_UNAVAILABLE,
  /** This server has as much in progress as it takes (uploads, say); retry later or elsewhere. */
  BUSY,
  /**
   * This server is stopping and cut the request off before it finished; nothing of it was kept.
   * Retry on another server, or on this one once it is back.
   */
  STOPPING,
  /** The bytes asked for lie past the object's end: none of them exists. */
  RANGE_NOT_SATISFIABLE,
  /** The request carries a credential (an upload token) that this store did not issue. */
  FORBIDDEN,
  /** What the request names (an upload) existed but has expired. */
  GONE,
  /** An append at an offset other than the bytes the upload holds; nothing of it was kept. */
  WRONG_OFFSET,
  /** A body whose checksum is not the one the request gave; nothing of it was kept. */
  CHECKSUM_MISMATCH,
  /** A precondition of the request does not hold here (a protocol version this server lacks). */
  PRECONDITION_FAILED,
  /** The request body is of a media type the endpoint does not take. */
  UNSUPPORTED_MEDIA_TYPE,
  /** The client's {@code Accept-Encoding} takes none of the codings the answer can be sent in. */
  NOT_ACCEPTABLE,
}
