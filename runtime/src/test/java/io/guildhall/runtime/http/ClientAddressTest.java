package io.guildhall.runtime.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClientAddressTest {
    @Test
    void literalsOnlyNeverHostNames() {
        assertEquals("10.1.2.3", ClientAddress.parseLiteral("10.1.2.3").getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", ClientAddress.parseLiteral("::1").getHostAddress());
        assertNull(ClientAddress.parseLiteral("1.2.3.256"));
        assertNull(ClientAddress.parseLiteral("1.2.3"));
        assertNull(ClientAddress.parseLiteral("example.com"));
        assertNull(ClientAddress.parseLiteral("1.2.3.4.nip.io"));
        assertNull(ClientAddress.parseLiteral("unknown"));
    }

    @Test
    void badTrustedProxyEntriesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClientAddress.trusting("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> ClientAddress.trusting("proxy.internal"));
        ClientAddress.trusting(" 10.0.0.0/8, 192.168.1.7 ,::1, fd00::/8");
    }
}
