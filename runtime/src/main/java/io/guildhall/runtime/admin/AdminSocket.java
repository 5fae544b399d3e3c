package io.guildhall.runtime.admin;

import io.guildhall.runtime.store.Backup;
import io.guildhall.runtime.store.GroupCommitStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Operator commands for the running server, on a Unix domain socket in the data folder
 * ({@value #FILE}). Whoever may open that file may already read the data itself, so the socket needs
 * no credentials of its own and opens no network port. One command per connection, one line each
 * way: {@code backup <absolute folder>} answers {@code ok <folder> <bytes> <ms>} or
 * {@code error <message>}. Commands run one at a time, on the socket's own thread.
 */
public final class AdminSocket implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminSocket.class);
    public static final String FILE = "admin.sock";
    /** Longest command line accepted. */
    static final int MAX_LINE = 4096;

    private final Path file;
    private final ServerSocketChannel server;
    private final GroupCommitStore store;
    private final Thread thread;
    private volatile boolean closed;

    private AdminSocket(Path file, ServerSocketChannel server, GroupCommitStore store) {
        this.file = file;
        this.server = server;
        this.store = store;
        this.thread = new Thread(this::serve, "admin-socket");
        thread.setDaemon(true);
    }

    /**
     * Listens on {@code dataDir/admin.sock}, replacing a file left by a server that was killed (the
     * store's file lock proves no other server uses this folder). Returns null, after a warning, when
     * the socket cannot be created (for example a path longer than Unix sockets allow).
     */
    public static AdminSocket start(Path dataDir, GroupCommitStore store) {
        Path file = dataDir.resolve(FILE).toAbsolutePath();
        try {
            Files.deleteIfExists(file);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(file));
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            AdminSocket socket = new AdminSocket(file, server, store);
            socket.thread.start();
            LOG.info("Admin commands (backup) on {}", file);
            return socket;
        } catch (IOException | RuntimeException e) {
            LOG.warn("No admin socket at {} ({}): online backups need the server stopped or another data folder path",
                    file, e.toString());
            return null;
        }
    }

    private void serve() {
        while (!closed) {
            try (SocketChannel client = server.accept()) {
                String command = readLine(client);
                String reply = command == null ? "error empty or oversized command" : run(command);
                client.write(ByteBuffer.wrap((reply + "\n").getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Admin socket connection failed: {}", e.toString());
                }
            }
        }
    }

    String run(String command) {
        if (!command.startsWith("backup ")) {
            return "error unknown command; the only command is: backup <absolute folder>";
        }
        Path target = Path.of(command.substring("backup ".length()).trim());
        if (!target.isAbsolute()) {
            return "error the backup folder must be an absolute path";
        }
        try {
            long start = System.nanoTime();
            Backup backup = store.backup(target);
            LOG.info("Backup written to {}: {} bytes in {} ms", backup.folder(), backup.bytes(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            return "ok " + backup.folder() + " " + backup.bytes() + " " + backup.millis();
        } catch (RuntimeException e) {
            LOG.warn("Backup to {} failed: {}", target, e.getMessage());
            return "error " + String.valueOf(e.getMessage()).replace('\n', ' ');
        }
    }

    /** One line of at most {@link #MAX_LINE} bytes, or null. */
    private static String readLine(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_LINE);
        while (buffer.hasRemaining()) {
            if (client.read(buffer) < 0) {
                break;
            }
            for (int i = 0; i < buffer.position(); i++) {
                if (buffer.get(i) == '\n') {
                    return new String(buffer.array(), 0, i, StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the admin socket: {}", e.toString());
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("removing {}: {}", file, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
