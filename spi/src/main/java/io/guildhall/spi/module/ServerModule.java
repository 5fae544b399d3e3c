package io.guildhall.spi.module;

/**
 * A studio's server-side code, found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.guildhall.spi.module.ServerModule}). One entry point, in the spirit
 * of Nakama's {@code InitModule}: {@link #initModule} registers RPCs, hooks and identity providers
 * on the {@link Initializer}. Modules start in the order their jars sort and close in reverse.
 */
public interface ServerModule {
    /** A short name for logs and errors, and the default config section. Letters, digits, '-', '_'. */
    String name();

    /** The configuration section the context exposes; the default is {@code modules.<name>}. */
    default String configSection() {
        return "modules." + name();
    }

    /** Called once before the server accepts requests; throw to refuse start-up. */
    void initModule(ModuleContext context, Initializer initializer) throws Exception;

    /** Called once at shutdown, in reverse order of start. */
    default void close() {
    }
}
