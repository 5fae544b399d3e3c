package com.example.studio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guildhall.spi.ApiException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A finished match as a game server (or, for a casual game, a player's client) reports it:
 * {@code {"match_id": "m-42", "duration_sec": 300, "players": [{"user_id": "...", "score": 10, "won": true}]}}.
 * Parsing checks everything a hostile caller could get wrong, so the module never stores nonsense.
 */
public record MatchReport(String matchId, long durationSec, List<Result> players) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MATCH_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final long MAX_SCORE = 1_000_000;
    private static final long MAX_DURATION_SEC = 86_400;

    /** One player's result. */
    public record Result(String userId, long score, boolean won) {
    }

    public static MatchReport parse(String payload, int maxPlayers) {
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (IOException e) {
            throw ApiException.invalid("The match report is not valid JSON.");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.invalid("The match report must be a JSON object.");
        }
        String matchId = root.path("match_id").asText("");
        if (!MATCH_ID.matcher(matchId).matches()) {
            throw ApiException.invalid("match_id must be 1-64 letters, digits, '-' or '_'.");
        }
        long duration = root.path("duration_sec").asLong(-1);
        if (!root.path("duration_sec").isIntegralNumber() || duration < 1 || duration > MAX_DURATION_SEC) {
            throw ApiException.invalid("duration_sec must be a whole number of seconds between 1 and " + MAX_DURATION_SEC + ".");
        }
        JsonNode players = root.path("players");
        if (!players.isArray() || players.isEmpty() || players.size() > maxPlayers) {
            throw ApiException.invalid("players must list 1-" + maxPlayers + " players.");
        }
        List<Result> results = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode player : players) {
            String userId = player.path("user_id").asText("");
            try {
                UUID.fromString(userId);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("Every player needs a valid user_id.");
            }
            if (!seen.add(userId)) {
                throw ApiException.invalid("A player is listed twice.");
            }
            long score = player.path("score").asLong(-1);
            if (!player.path("score").isIntegralNumber() || score < 0 || score > MAX_SCORE) {
                throw ApiException.invalid("score must be a whole number between 0 and " + MAX_SCORE + ".");
            }
            results.add(new Result(userId, score, player.path("won").asBoolean(false)));
        }
        return new MatchReport(matchId, duration, List.copyOf(results));
    }

    public boolean includes(String userId) {
        return players.stream().anyMatch(p -> p.userId().equals(userId));
    }
}
