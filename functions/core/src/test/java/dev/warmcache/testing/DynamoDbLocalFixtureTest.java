package dev.warmcache.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmcache.item.TableShape;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

class DynamoDbLocalFixtureTest {

  @RegisterExtension static final DynamoDbLocalFixture DYNAMODB = new DynamoDbLocalFixture();

  @Test
  void tableHasTheProductShape() {
    var table = DYNAMODB.client().describeTable(b -> b.tableName("warmcache")).table();
    assertEquals(TableShape.PARTITION_KEY, table.keySchema().get(0).attributeName());
    assertEquals(
        TableShape.PARTITION_KEY_TYPE, table.attributeDefinitions().get(0).attributeTypeAsString());
    assertEquals(TableShape.STREAM_VIEW_TYPE, table.streamSpecification().streamViewTypeAsString());
    var ttl =
        DYNAMODB.client().describeTimeToLive(b -> b.tableName("warmcache")).timeToLiveDescription();
    assertEquals(TableShape.TTL_ATTRIBUTE, ttl.attributeName());
    assertEquals(TimeToLiveStatus.ENABLED, ttl.timeToLiveStatus());
  }

  @Test
  void listensOnLoopbackOnly() throws Exception {
    assertNotEquals(0, DYNAMODB.port());
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), DYNAMODB.port()), 1000);
      assertTrue(s.isConnected());
    }
    // Every non-loopback address of this machine must refuse the port.
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress()) {
          continue;
        }
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(address, DYNAMODB.port()), 500);
          throw new AssertionError("DynamoDB Local answered on " + address);
        } catch (java.io.IOException refused) {
          // expected: bound to 127.0.0.1 only
        }
      }
    }
  }
}
