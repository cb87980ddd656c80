package dev.ostore;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.net.HostAndPort;
import com.google.common.net.InetAddresses;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The {@code host:port} a data or api server listens on and announces; api servers reach data
 * servers at exactly this address, so it must not be a wildcard such as {@code 0.0.0.0}.
 */
public record ServerAddress(String host, int port) {
  public ServerAddress {
    checkArgument(host != null && !host.isBlank(), "address has no host: %s:%s", host, port);
    checkArgument(port >= 0 && port <= 65535, "port out of range: %s", port);
  }

  /** Parses {@code host:port} or {@code [v6]:port}; the port is required. */
  public static ServerAddress parse(String text) {
    checkArgument(text != null, "address is null");
    HostAndPort parsed;
    try {
      parsed = HostAndPort.fromString(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a host:port address: " + text, e);
    }
    checkArgument(parsed.hasPort(), "address has no port: %s", text);
    return new ServerAddress(parsed.getHost(), parsed.getPort());
  }

  public static ServerAddress of(InetSocketAddress socket) {
    return new ServerAddress(socket.getHostString(), socket.getPort());
  }

  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(host, port);
  }

  /** The base URI of the HTTP server at this address, such as {@code http://127.0.0.1:8080}. */
  public URI baseUri() {
    return URI.create("http://" + this);
  }

  /** True when this address only makes sense for binding, not for others to connect to. */
  public boolean isWildcard() {
    // Any spelling of 0.0.0.0 or ::, such as the 0:0:0:0:0:0:0:0 an InetSocketAddress gives.
    String literal = host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host;
    int zone = literal.indexOf('%'); // Its interface may not exist here, and forString needs it.
    if (zone >= 0) {
      literal = literal.substring(0, zone);
    }
    return InetAddresses.isInetAddress(literal)
        && InetAddresses.forString(literal).isAnyLocalAddress();
  }

  @Override
  public String toString() {
    return HostAndPort.fromParts(host, port).toString();
  }
}
