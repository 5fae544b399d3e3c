package io.guildhall.runtime.analytics;

import io.guildhall.runtime.store.GroupCommitStore;
import io.guildhall.runtime.store.Stores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The analytics storage rules on every store engine: appends, attribution, de-duplication, erasure, reopening. */
class AnalyticsStoreContractTest {
    @TempDir
    Path dir;

    private static final long T0 = 1_780_000_000_000L;

    private static IncomingEvent event(String name, String id, String identity, String session, long at) {
        return new IncomingEvent(name, id, "", Map.of("k", "v"), at, false, identity, session, 0, 0, "test");
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {Stores.MVSTORE, Stores.MAPDB})
    void receiveTimesKeepCommitOrderUnlessTheClockWasSetBack(String engine) throws Exception {
        try (GroupCommitStore raw = Stores.open(engine, dir)) {
            AnalyticsStore store = new AnalyticsStore(raw, 1800, 86400);
            await(store.authenticate("player-one", Map.of(), Map.of(), "s1", 0, T0));
            // stamped at receipt (no timestamp of their own): the second request was received 300 ms
            // before the first but took the write lock after it
            await(store.appendEvents(List.of(event("first", null, "player-one", "s1", T0 + 1000)), T0 + 1000));
            await(store.appendEvents(List.of(event("second", null, "player-one", "s1", T0 + 700)), T0 + 700));
            // a clock set back by a minute is not papered over
            await(store.appendEvents(List.of(event("after_reset", null, "player-one", "s1", T0 + 1000 - 60_000)),
                    T0 + 1000 - 60_000));
            // an event with a time of its own keeps it
            await(store.appendEvents(List.of(event("own_time", null, "player-one", "s1", T0 + 200)), T0 + 1000));
            Map<String, Long> times = new java.util.HashMap<>();
            store.events("player-one", 100).forEach(e -> times.put(e.name(), e.timestampMillis()));
            assertEquals(T0 + 1000, times.get("first"));
            assertEquals(T0 + 1000, times.get("second"), "moved up to the commit order");
            assertEquals(T0 + 1000 - 60_000, times.get("after_reset"));
            assertEquals(T0 + 200, times.get("own_time"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Stores.MVSTORE, Stores.MAPDB})
    void appendsAttributeDeduplicateEraseAndSurviveReopening(String engine) throws Exception {
        try (GroupCommitStore raw = Stores.open(engine, dir)) {
            AnalyticsStore store = new AnalyticsStore(raw, 1800, 86400);
            await(store.authenticate("player-one", Map.of("a", "1"), Map.of(), "s1", 0, T0));
            List<IncomingEvent> batch = new ArrayList<>();
            batch.add(event("in_session", "e1", "player-one", "s1", T0 + 1000));
            batch.add(event("sessionless_in_grace", "e2", "player-one", "", T0 + 1000 + 1_800_000));
            batch.add(event("orphan", "e3", "player-one", "", T0 + 1000 + 3_700_000));
            batch.add(event("non_player", null, "", "", T0));
            batch.add(event("in_session", "e1", "player-one", "s1", T0 + 1000)); // same id in the same batch
            AnalyticsStore.Appended appended = await(store.appendEvents(batch, T0 + 5000));
            assertEquals(new AnalyticsStore.Appended(2, 1, 1, 1), appended);
            await(store.authenticate("player-two", Map.of(), Map.of(), "s2", 0, T0));
            await(store.appendEvents(List.of(event("other", "e1", "player-two", "s2", T0)), T0));
        }
        try (GroupCommitStore raw = Stores.open(engine, dir)) {
            AnalyticsStore store = new AnalyticsStore(raw, 1800, 86400);
            List<SessionRecord> sessions = store.sessions("player-one");
            assertEquals(1, sessions.size());
            assertEquals(2, sessions.get(0).events());
            assertEquals(1000 + 1_800_000, sessions.get(0).lengthMillis());
            List<EventRecord> events = store.events("player-one", 100);
            assertEquals(List.of("in_session", "sessionless_in_grace", "orphan"), events.stream().map(EventRecord::name).toList());
            assertEquals(EventRecord.Kind.ORPHANED, events.get(2).kind());
            assertEquals(Map.of("k", "v"), events.get(0).metadata());
            assertEquals(1, store.nonPlayerEvents(100).size());
            assertEquals("1", await(store.identity("player-one")).defaults().get("a"));
            AnalyticsStore.Appended retried = await(store.appendEvents(
                    List.of(event("in_session", "e1", "player-one", "s1", T0 + 1000)), T0 + 10_000));
            assertEquals(1, retried.duplicates(), "de-duplication marks are durable");

            await(store.eraseIdentity("player-one"));
            assertTrue(store.sessions("player-one").isEmpty());
            assertTrue(store.events("player-one", 100).isEmpty());
            assertEquals(null, await(store.identity("player-one")));
            assertEquals(1, store.events("player-two", 100).size(), "other identities are untouched");
            assertEquals(1, store.sessions("player-two").size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Stores.MVSTORE, Stores.MAPDB})
    void retentionPrunesOldEvents(String engine) throws Exception {
        try (GroupCommitStore raw = Stores.open(engine, dir)) {
            AnalyticsStore store = new AnalyticsStore(raw, 1800, 86400);
            await(store.appendEvents(List.of(event("old", null, "player-one", "", T0),
                    event("new", null, "player-one", "", T0 + 86_400_000)), T0 + 86_400_000));
            assertEquals(1, await(store.pruneEvents(T0 + 1, 100)));
            assertEquals(List.of("new"), store.events("player-one", 100).stream().map(EventRecord::name).toList());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Stores.MVSTORE, Stores.MAPDB})
    void expiredDeduplicationMarksArePrunedAndNoLongerBlockAnEvent(String engine) throws Exception {
        try (GroupCommitStore raw = Stores.open(engine, dir)) {
            AnalyticsStore store = new AnalyticsStore(raw, 1800, 60);
            await(store.appendEvents(List.of(event("first", "same-id", "player-one", "", T0)), T0));
            await(store.appendEvents(List.of(event("later", "fresh-id", "player-one", "", T0)), T0 + 30_000));
            assertEquals(1, await(store.pruneDedupeMarks(T0 + 60_000, 100)), "only the mark older than the window");
            AnalyticsStore.Appended again = await(store.appendEvents(
                    List.of(event("first", "same-id", "player-one", "", T0), event("later", "fresh-id", "player-one", "", T0)),
                    T0 + 60_000));
            assertEquals(1, again.stored(), "the expired id is taken again");
            assertEquals(1, again.duplicates(), "the id still inside its window is not");
        }
    }
}
