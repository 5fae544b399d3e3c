package io.guildhall.runtime.admin;

import io.guildhall.runtime.config.Config;
import io.guildhall.runtime.config.ConfigLoader;
import io.guildhall.runtime.config.Setting;
import io.guildhall.runtime.store.Backup;
import io.guildhall.runtime.store.GroupCommitStore;
import io.guildhall.runtime.store.Stores;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar guildhall.jar backup --to FOLDER [--config FILE] [--data.dir=...]}: writes a
 * consistent copy of the store to FOLDER. With a server running on the data folder, the server
 * writes it through its {@link AdminSocket} while it keeps serving; with none, this command opens the
 * store itself. The data folder comes from the same configuration the server reads.
 */
public final class BackupCommand {
    private BackupCommand() {
    }

    /** @return the process exit code: 0 when the backup was written */
    public static int run(String[] args, Map<String, String> environment, PrintStream out) {
        List<String> rest = new ArrayList<>();
        String to = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--to") && i + 1 < args.length) {
                to = args[++i];
            } else if (args[i].startsWith("--to=")) {
                to = args[i].substring(5);
            } else {
                rest.add(args[i]);
            }
        }
        if (to == null || to.isBlank()) {
            out.println("usage: java -jar guildhall.jar backup --to FOLDER [--config FILE] [--data.dir=DIR]");
            return 2;
        }
        Path target = Path.of(to).toAbsolutePath().normalize();
        Config config = ConfigLoader.load(rest.toArray(new String[0]), environment);
        Path dataDir = Path.of(config.string(Setting.DATA_DIR)).toAbsolutePath().normalize();
        Path socket = dataDir.resolve(AdminSocket.FILE);
        if (Files.exists(socket)) {
            try {
                String reply = ask(socket, "backup " + target);
                if (reply.startsWith("ok ")) {
                    out.println("Backup of the running server's store written to " + target + " (" + reply.substring(3) + ")");
                    return 0;
                }
                out.println("Backup failed: " + reply.replaceFirst("^error ", ""));
                return 1;
            } catch (IOException e) {
                // a socket file left by a server that was killed: nobody listens, open the store below
                out.println("No server answers on " + socket + " (" + e.getMessage() + "); opening the store directly");
            }
        }
        try (GroupCommitStore store = Stores.open(config.string(Setting.DATA_ENGINE), dataDir)) {
            Backup backup = store.backup(target);
            out.println("Backup of " + dataDir + " written to " + backup.folder() + " (" + backup.bytes() + " bytes, "
                    + backup.millis() + " ms)");
            return 0;
        } catch (RuntimeException e) {
            out.println("Backup failed: " + e.getMessage());
            return 1;
        }
    }

    static String ask(Path socket, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteBuffer reply = ByteBuffer.allocate(AdminSocket.MAX_LINE);
            while (reply.hasRemaining() && channel.read(reply) >= 0) {
                if (reply.position() > 0 && reply.get(reply.position() - 1) == '\n') {
                    break;
                }
            }
            return new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8).trim();
        }
    }
}
