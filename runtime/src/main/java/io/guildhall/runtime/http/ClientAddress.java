package io.guildhall.runtime.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's address: the socket's peer, or, when the peer is a trusted proxy, the address the
 * proxies recorded in {@code X-Forwarded-For} (read from the right, skipping trusted proxies, so a
 * client cannot choose its address by sending the header itself). Used for per-address limits,
 * so that a load balancer does not make every player one address.
 */
public final class ClientAddress {
    private static final HttpString FORWARDED_FOR = new HttpString("X-Forwarded-For");

    private final List<Cidr> trusted;

    private ClientAddress(List<Cidr> trusted) {
        this.trusted = trusted;
    }

    /**
     * @param trustedProxies comma-separated addresses or CIDR blocks ({@code 10.0.0.0/8, ::1}); blank for none
     * @throws IllegalArgumentException naming an entry that is not one
     */
    public static ClientAddress trusting(String trustedProxies) {
        List<Cidr> trusted = new ArrayList<>();
        for (String entry : trustedProxies.split(",")) {
            if (!entry.isBlank()) {
                trusted.add(Cidr.parse(entry.trim()));
            }
        }
        return new ClientAddress(List.copyOf(trusted));
    }

    public String of(HttpServerExchange exchange) {
        InetSocketAddress source = exchange.getSourceAddress();
        InetAddress peer = source == null ? null : source.getAddress();
        if (peer == null) {
            return "unknown";
        }
        if (trusted.isEmpty() || !isTrusted(peer)) {
            return peer.getHostAddress();
        }
        HeaderValues values = exchange.getRequestHeaders().get(FORWARDED_FOR);
        if (values == null) {
            return peer.getHostAddress();
        }
        List<String> hops = new ArrayList<>();
        for (String value : values) {
            for (String hop : value.split(",")) {
                hops.add(hop.trim());
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = parseLiteral(hops.get(i));
            if (hop == null) {
                break; // trusted proxies write addresses: anything else came from the client
            }
            client = hop;
            if (!isTrusted(hop)) {
                break;
            }
        }
        return client.getHostAddress();
    }

    private boolean isTrusted(InetAddress address) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** An IP literal, or null; never a DNS lookup. */
    static InetAddress parseLiteral(String text) {
        if (text.isEmpty() || text.length() > 45) {
            return null;
        }
        try {
            if (text.indexOf(':') >= 0) {
                // with a colon the JDK parses an IPv6 literal or fails, without resolving
                return text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
                        ? InetAddress.getByName(text) : null;
            }
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
                    return null;
                }
                int value = Integer.parseInt(parts[i]);
                if (value > 255) {
                    return null;
                }
                bytes[i] = (byte) value;
            }
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private record Cidr(byte[] network, int bits) {
        static Cidr parse(String entry) {
            int slash = entry.indexOf('/');
            InetAddress address = parseLiteral(slash < 0 ? entry : entry.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("not an IP address or CIDR block: '" + entry + "'");
            }
            int max = address.getAddress().length * 8;
            int bits;
            try {
                bits = slash < 0 ? max : Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IP address or CIDR block: '" + entry + "'");
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("prefix length out of range in '" + entry + "'");
            }
            return new Cidr(address.getAddress(), bits);
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit += 8) {
                int mask = bits - bit >= 8 ? 0xff : 0xff << (8 - (bits - bit)) & 0xff;
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
