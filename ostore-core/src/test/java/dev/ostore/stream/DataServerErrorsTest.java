package dev.ostore.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.http.HttpService;
import dev.ostore.http.Routes;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A data server's failure means the same to an api server whether the server answered over HTTP
 * or was called in this process ({@link DataServerErrors#heard(ErrorCode)}), for every code.
 */
@Timeout(60)
class DataServerErrorsTest {
  private final FakeClockTransfers fixture = new FakeClockTransfers();

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void everyFailureIsHeardOverHttpAsInProcess() throws Exception {
    Routes routes = Routes.builder().add("PUT", "/fail/{code}", exchange -> {
      throw new OstoreException(ErrorCode.valueOf(exchange.path().substring(6)),
          "failed on purpose");
    }).build();
    try (HttpService server = HttpService.start("test", new ServerAddress("127.0.0.1", 0),
        routes, HttpService.Settings.DEFAULT)) {
      for (ErrorCode code : ErrorCode.values()) {
        SentRequest sent = fixture.transfers.send(server.address(), "PUT", "/fail/" + code,
            Map.of(), new byte[1]);
        OstoreException overHttp = assertThrows(OstoreException.class, sent::answer);
        assertEquals(overHttp.code(), DataServerErrors.heard(code), code.toString());
      }
    }
  }

  @Test
  void onlyBusyConflictPreconditionNoRoomAndNotFoundKeepTheirMeaning() {
    assertEquals(ErrorCode.BUSY, DataServerErrors.heard(ErrorCode.STOPPING));
    assertEquals(ErrorCode.BUSY, DataServerErrors.heard(ErrorCode.NO_DATA_SERVER));
    assertEquals(ErrorCode.CONFLICT, DataServerErrors.heard(ErrorCode.CONFLICT));
    assertEquals(ErrorCode.PRECONDITION_FAILED,
        DataServerErrors.heard(ErrorCode.PRECONDITION_FAILED));
    assertEquals(ErrorCode.NOT_FOUND, DataServerErrors.heard(ErrorCode.NOT_FOUND));
    assertEquals(ErrorCode.INSUFFICIENT_STORAGE,
        DataServerErrors.heard(ErrorCode.INSUFFICIENT_STORAGE));
    assertEquals(ErrorCode.DATA_SERVER_FAILED, DataServerErrors.heard(ErrorCode.BAD_REQUEST));
    assertEquals(ErrorCode.DATA_SERVER_FAILED, DataServerErrors.heard(ErrorCode.STORAGE_FAILED));
  }
}
