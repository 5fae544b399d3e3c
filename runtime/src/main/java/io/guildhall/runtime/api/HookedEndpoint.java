package io.guildhall.runtime.api;

import io.guildhall.runtime.http.Call;
import io.guildhall.runtime.http.Endpoint;
import io.guildhall.runtime.http.Json;
import io.guildhall.runtime.module.Hooks;
import io.guildhall.spi.module.ApiOperation;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An endpoint with module hooks, for operations whose request is the body (refresh, logout, account
 * get/update/delete): the call becomes the typed request, before hooks may change or reject it,
 * the endpoint runs on the body made from what they returned (so its validation and limits apply),
 * and after hooks see the request and the result before the response is sent. Runs on a worker.
 */
final class HookedEndpoint<Q, R> implements Endpoint {
    /** How an operation's request and result map to and from the wire. */
    interface Mapping<Q, R> {
        Q request(Call call);

        /** The JSON body the endpoint reads for this request. */
        Object body(Q request);

        /** The typed result, from the request and the endpoint's reply. */
        R result(Call call, Q request, Object reply);
    }

    private final ApiOperation<Q, R> operation;
    private final Hooks hooks;
    private final Mapping<Q, R> mapping;
    private final Endpoint endpoint;

    HookedEndpoint(ApiOperation<Q, R> operation, Hooks hooks, Mapping<Q, R> mapping, Endpoint endpoint) {
        this.operation = operation;
        this.hooks = hooks;
        this.mapping = mapping;
        this.endpoint = endpoint;
    }

    static <Q, R> Mapping<Q, R> mapping(Function<Call, Q> request, Function<Q, Object> body,
                                       TriFunction<Call, Q, Object, R> result) {
        return new Mapping<>() {
            @Override
            public Q request(Call call) {
                return request.apply(call);
            }

            @Override
            public Object body(Q q) {
                return body.apply(q);
            }

            @Override
            public R result(Call call, Q q, Object reply) {
                return result.apply(call, q, reply);
            }
        };
    }

    @FunctionalInterface
    interface TriFunction<A, B, C, R> {
        R apply(A a, B b, C c);
    }

    @Override
    public CompletableFuture<?> handle(Call call) {
        var context = HookContexts.of(call);
        Q request = hooks.runBefore(operation, context, mapping.request(call));
        Object body = mapping.body(request);
        Call changed = body == null ? call : call.withBody(Json.bytes(body));
        return endpoint.handle(changed).thenApply(reply -> {
            hooks.runAfter(operation, context, request, mapping.result(changed, request, reply));
            return reply;
        });
    }
}
