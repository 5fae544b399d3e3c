package io.guildhall.runtime.testing;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Builds a studio's plugin jar at test time, compiled against the SPI and SLF4J only (as a studio
 * compiles it), so a plugin that needs runtime classes fails to compile here, not silently pass.
 */
public final class PluginJars {
    private PluginJars() {
    }

    /** The classpath a plugin compiles against: the spi module's classes and slf4j-api. */
    public static String spiClasspath() {
        return location(io.guildhall.spi.IdentityProvider.class) + java.io.File.pathSeparator + location(org.slf4j.Logger.class);
    }

    /**
     * Compiles {@code sources} (class name to source) against {@code classpath} and packs them with
     * the given service files (service interface to implementation class names).
     */
    public static Path build(Path jar, Map<String, String> sources, Map<String, List<String>> services, String classpath) {
        try {
            mkdirs(jar.toAbsolutePath().getParent());
            Path build = Files.createTempDirectory("guildhall-plugin-build");
            List<String> args = new ArrayList<>(List.of("-cp", classpath, "-d", build.toString(), "-proc:none"));
            Path src = Files.createTempDirectory(build.getParent(), "src");
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue());
                args.add(file.toString());
            }
            if (!sources.isEmpty()) {
                JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
                ByteArrayOutputStream errors = new ByteArrayOutputStream();
                int status = javac.run(null, errors, errors, args.toArray(String[]::new));
                if (status != 0) {
                    throw new IllegalStateException("plugin did not compile:\n" + errors.toString(StandardCharsets.UTF_8));
                }
            }
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(build)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new JarEntry(build.relativize(file).toString().replace('\\', '/')));
                    Files.copy(file, out);
                    out.closeEntry();
                }
                for (Map.Entry<String, List<String>> service : services.entrySet()) {
                    out.putNextEntry(new JarEntry("META-INF/services/" + service.getKey()));
                    out.write((String.join("\n", service.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
                    out.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path mkdirs(Path dir) throws IOException {
        return Files.createDirectories(dir);
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
