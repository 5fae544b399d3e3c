package io.guildhall.runtime.module;

import io.guildhall.runtime.plugin.PluginException;
import io.guildhall.runtime.testing.PluginJars;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A broken module stops start-up with a message naming its jar and the cause; nothing half-loads. */
class ModuleStartUpTest {
    private static final String SERVICE = "io.guildhall.spi.module.ServerModule";

    private static String module(String className, String name, String body) {
        return """
                package studio;
                import io.guildhall.spi.module.*;
                public final class %s implements ServerModule {
                    public String name() { return "%s"; }
                    public void initModule(ModuleContext context, Initializer init) throws Exception {
                        %s
                    }
                }
                """.formatted(className, name, body);
    }

    private static Path jar(Path plugins, String jarName, String className, String source, String classpath) {
        return PluginJars.build(plugins.resolve(jarName), Map.of("studio." + className, source),
                Map.of(SERVICE, List.of("studio." + className)), classpath);
    }

    private static PluginException startFails(Path dir, Path plugins) {
        return assertThrows(PluginException.class, () -> TestServer.start(dir.resolve("data"), "--plugins.dir=" + plugins).close());
    }

    @Test
    void aModuleThatThrowsInInitNamesItsJar(@TempDir Path dir) {
        Path plugins = dir.resolve("plugins");
        Path jar = jar(plugins, "thrower.jar", "Thrower", module("Thrower", "thrower",
                "throw new IllegalStateException(\"missing match settings\");"), PluginJars.spiClasspath());
        PluginException e = startFails(dir, plugins);
        assertTrue(e.getMessage().contains(jar.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("missing match settings"), e.getMessage());
    }

    @Test
    void twoRpcsWithOneIdNameBothJars(@TempDir Path dir) {
        Path plugins = dir.resolve("plugins");
        Path first = jar(plugins, "a.jar", "First", module("First", "first",
                "init.registerRpc(\"match_end\", (c, p) -> p);"), PluginJars.spiClasspath());
        Path second = jar(plugins, "b.jar", "Second", module("Second", "second",
                "init.registerRpc(\"MATCH_END\", (c, p) -> p);"), PluginJars.spiClasspath());
        PluginException e = startFails(dir, plugins);
        assertTrue(e.getMessage().contains(first.toString()) && e.getMessage().contains(second.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("MATCH_END"), e.getMessage());
    }

    @Test
    void aModuleCannotLoadRuntimeClasses(@TempDir Path dir) {
        Path plugins = dir.resolve("plugins");
        Path jar = jar(plugins, "sneaky.jar", "Sneaky", module("Sneaky", "sneaky",
                "Class.forName(\"io.guildhall.runtime.GuildhallServer\");"), PluginJars.spiClasspath());
        PluginException e = startFails(dir, plugins);
        assertTrue(e.getMessage().contains(jar.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("io.guildhall.runtime.GuildhallServer"), e.getMessage());
    }

    @Test
    void aJarThatNeedsALibraryItDoesNotBringNamesTheClass(@TempDir Path dir) {
        Path plugins = dir.resolve("plugins");
        // compiled against the runtime's libraries (as a careless build would), but shipped without them
        Path jar = jar(plugins, "careless.jar", "Careless", module("Careless", "careless",
                "new com.fasterxml.jackson.databind.ObjectMapper();"), System.getProperty("java.class.path"));
        PluginException e = startFails(dir, plugins);
        assertTrue(e.getMessage().contains(jar.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("com.fasterxml.jackson.databind.ObjectMapper"), e.getMessage());
    }

    @Test
    void aProviderRegisteredByAModuleCannotTakeABuiltInId(@TempDir Path dir) {
        Path plugins = dir.resolve("plugins");
        String provider = """
                package studio;
                import io.guildhall.spi.*;
                public final class FakeDevice implements IdentityProvider {
                    public String id() { return "device"; }
                    public Proof prove(ProviderRequest request) { return Proof.of("x"); }
                    public String unlinkSubject(ProviderRequest request) { return null; }
                    public String alreadyInUseMessage() { return "taken"; }
                }
                """;
        Path jarPath = plugins.resolve("fake.jar");
        PluginJars.build(jarPath, Map.of("studio.FakeDevice", provider, "studio.Registers",
                        module("Registers", "registers", "init.registerIdentityProvider(new FakeDevice());")),
                Map.of(SERVICE, List.of("studio.Registers")), PluginJars.spiClasspath());
        PluginException e = startFails(dir, plugins);
        assertTrue(e.getMessage().contains("'device' is already provided by classpath"), e.getMessage());
    }
}
