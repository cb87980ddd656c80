package dev.ostore.server.data;

import dev.ostore.dataserver.DataServerClient;
import dev.ostore.stream.Transfers;

/** {@link DataServerClient#overHttp}: every call a request to the data server. */
class HttpDataServerClientTest extends DataServerClientContract {
  @Override
  DataServerClient client(Transfers transfers) {
    return DataServerClient.overHttp(transfers);
  }
}
