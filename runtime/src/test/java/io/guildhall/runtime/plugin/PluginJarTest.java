package io.guildhall.runtime.plugin;

import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A studio's jar dropped in plugins/: compiled here against the SPI, loaded by the real server. */
class PluginJarTest {
    private static final String PROVIDER = """
            package studio;

            import io.guildhall.spi.*;

            /** Accepts tokens "ticket-<player>" and names the player by what follows. */
            public final class TicketProvider implements IdentityProvider {
                private String prefix;

                public String id() { return "ticket"; }

                public void init(ProviderContext context) { prefix = context.config().string("prefix", "ticket-"); }

                public Proof prove(ProviderRequest request) {
                    String token = request.body().string("token");
                    if (!token.startsWith(prefix)) {
                        throw ApiException.unauthenticated("Could not authenticate Ticket profile.");
                    }
                    return Proof.of(token.substring(prefix.length()));
                }

                public String unlinkSubject(ProviderRequest request) { return null; }

                public String alreadyInUseMessage() { return "Ticket is already in use."; }
            }
            """;

    @Test
    void aStudioProviderGetsTheSameEndpoints(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        buildJar(plugins.resolve("studio-ticket.jar"), dir.resolve("build"), "studio.TicketProvider", true);
        try (TestServer server = TestServer.start(dir.resolve("data"), "--plugins.dir=" + plugins, "--ticket.prefix=tk-")) {
            ApiClient api = server.client();
            ApiClient.Reply created = api.authenticate("ticket", null, ApiClient.json(Map.of("token", "tk-player-one")));
            assertEquals(200, created.status(), created.toString());
            assertTrue(created.json().path("created").asBoolean());
            ApiClient.Reply again = api.authenticate("ticket", null, ApiClient.json(Map.of("token", "tk-player-one")));
            assertEquals(200, again.status());
            ApiClient.Reply rejected = api.authenticate("ticket", null, ApiClient.json(Map.of("token", "forged")));
            assertEquals(401, rejected.status());
            assertEquals("Could not authenticate Ticket profile.", rejected.message());
            ApiClient.Reply other = api.authenticate("custom", null, ApiClient.json(Map.of("id", "custom-for-ticket")));
            ApiClient.Reply linked = api.post("/v2/account/link/ticket", ApiClient.bearer(other.field("token")),
                    ApiClient.json(Map.of("token", "tk-player-one")));
            assertEquals(409, linked.status());
            assertEquals("Ticket is already in use.", linked.message());
        }
    }

    @Test
    void aBrokenJarStopsStartUpNamingTheJar(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        Path jar = plugins.resolve("broken.jar");
        buildJar(jar, dir.resolve("build"), "studio.MissingProvider", false);
        PluginException e = assertThrows(PluginException.class,
                () -> TestServer.start(dir.resolve("data"), "--plugins.dir=" + plugins));
        assertTrue(e.getMessage().contains(jar.toString()), e.getMessage());
    }

    @Test
    void twoProvidersWithOneIdStopStartUp(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        buildJar(plugins.resolve("a.jar"), dir.resolve("build-a"), "studio.TicketProvider", true);
        buildJar(plugins.resolve("b.jar"), dir.resolve("build-b"), "studio.TicketProvider", true);
        PluginException e = assertThrows(PluginException.class,
                () -> TestServer.start(dir.resolve("data"), "--plugins.dir=" + plugins));
        assertTrue(e.getMessage().contains("'ticket' is already provided by"), e.getMessage());
    }

    /**
     * Compiles like a studio does: against the {@code spi} jar alone, so a plugin that needs any
     * runtime class fails here instead of loading by accident from the test class path.
     */
    private static int compileAgainstSpi(Path source, Path build) throws IOException {
        String spi;
        try {
            spi = Path.of(io.guildhall.spi.IdentityProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        return javac.run(null, null, OutputStream.nullOutputStream(), "-cp", spi, "-d", build.toString(), source.toString());
    }

    @Test
    void aPluginCannotCompileAgainstRuntimeClasses(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("studio/Sneaky.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, """
                package studio;
                final class Sneaky { Object mapper = io.guildhall.runtime.http.Json.MAPPER; }
                """);
        assertTrue(compileAgainstSpi(source, dir.resolve("out")) != 0, "a runtime class was visible to the plugin");
    }

    /** Compiles the provider (or not) and packs it with a service entry naming {@code serviceClass}. */
    private static void buildJar(Path jar, Path build, String serviceClass, boolean compile) throws IOException {
        Files.createDirectories(jar.getParent());
        Files.createDirectories(build.resolve("studio"));
        if (compile) {
            Path source = build.resolve("studio/TicketProvider.java");
            Files.writeString(source, PROVIDER);
            assertEquals(0, compileAgainstSpi(source, build), "the plugin did not compile against the SPI alone");
            Files.delete(source);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(build)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(build.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/io.guildhall.spi.IdentityProvider"));
            OutputStream entry = out;
            entry.write((serviceClass + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }
}
