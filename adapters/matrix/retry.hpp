#pragma once
/// One API call, retried until it succeeds or retrying cannot help: 429 waits what the
/// homeserver asks (else the backoff), 5xx / timeouts / lost connections back off with
/// jitter up to a cap, an unknown token is renewed once per rejection (Auth::renew).
///
/// Thread-safety: as safe as the ClientApi passed in (one per thread).

#include <chrono>
#include <functional>
#include <random>

#include "auth.hpp"
#include "backoff.hpp"
#include "client_api.hpp"
#include "stopper.hpp"

namespace reframe::matrix {

struct RetryContext {
    Auth& auth;
    Stopper& stopper;
    std::chrono::milliseconds backoff_base{500};
    std::chrono::milliseconds backoff_cap{60000};
    /// true: give up (as cancelled) when stop() is called, e.g. for /sync; false: keep
    /// going until abort() (a reply in flight is finished on SIGTERM).
    bool give_up_on_stop = false;
};

/// Why a retry loop ended without a success: the error is final.
inline bool retryable(const ApiError& e) {
    return e.kind == ApiError::Kind::transport || e.kind == ApiError::Kind::server ||
           e.kind == ApiError::Kind::rate_limited;
}

template <class T>
ApiResult<T> with_retry(ClientApi& api, RetryContext& context, const std::function<ApiResult<T>(ClientApi&)>& call) {
    Backoff backoff(context.backoff_base, context.backoff_cap, std::random_device{}());
    for (;;) {
        if (context.stopper.aborted() || (context.give_up_on_stop && context.stopper.stopping())) {
            return tl::unexpected(ApiError{ApiError::Kind::cancelled, 0, {}, "cancelled", {}});
        }
        const auto token = context.auth.token();
        api.set_access_token(token);
        auto result = call(api);
        if (result) return result;
        const auto& error = result.error();
        if (error.kind == ApiError::Kind::unknown_token) {
            auto renewed = context.auth.renew(api, token);
            if (!renewed) return tl::unexpected(renewed.error());
            continue;
        }
        if (!retryable(error)) return result;
        auto wait = backoff.next();
        if (error.kind == ApiError::Kind::rate_limited && error.retry_after) wait = *error.retry_after;
        if (!context.stopper.sleep_for(wait, context.give_up_on_stop)) {
            return tl::unexpected(ApiError{ApiError::Kind::cancelled, 0, {}, "cancelled", {}});
        }
    }
}

}  // namespace reframe::matrix
