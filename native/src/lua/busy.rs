//! Long scripts: the count hook that lets the server keep answering while a script runs past
//! `busy-reply-threshold`, and stops a script killed with SCRIPT KILL / FUNCTION KILL (Redis 7.0.15's
//! luaMaskCountHook and scriptInterrupt, script_lua.c and script.c).
//!
//! While a script runs with a threshold > 0, a Lua count hook fires every `HOOK_INSTRUCTIONS` VM
//! instructions. Before the threshold it only compares the elapsed (monotonic) time; from then on
//! ("timed out") it calls the JavaScript busy callback at most every `TICK_INTERVAL`, which serves
//! the other clients synchronously and answers 1 when the script was killed. A killed script gets
//! Redis's error table raised from the hook, and the hook is switched to fire on every line so that
//! a `pcall` in the script cannot swallow the kill for long.
//!
//! Exports (TypeScript side: src/scripting/lua-engine.ts):
//!   luaSetBusyCallback(busy)   busy(elapsedMs) -> 0 | 1; called from the hook once timed out
//! The threshold of the next run is `control[1]` (ms; 0 or less: no hook, as Redis does).
//!
//! The hook raises with `lua_error`, which longjmps over its Rust frame: that frame holds nothing
//! to drop (`tick` does all the work and returns a bool before anything is raised).

use super::ffi::*;
use super::{call_js, convert, Engine};
use std::cell::Cell;
use std::ptr;
use std::time::{Duration, Instant};

/// Redis's count: `lua_sethook(lua, luaMaskCountHook, LUA_MASKCOUNT, 100000)`.
const HOOK_INSTRUCTIONS: i32 = 100_000;
/// Once timed out, the busy callback runs at most this often.
const TICK_INTERVAL: Duration = Duration::from_millis(2);
/// Redis's kill error (script_lua.c luaMaskCountHook), for EVAL and functions alike.
const KILLED: &[u8] = b"Script killed by user with SCRIPT KILL...";

/// Per-run state of the hook, kept in the Engine.
pub struct BusyState {
    pub callback: super::napi_ref,
    started: Instant,
    last_tick: Instant,
    threshold: Duration,
    timed_out: bool,
    killed: bool,
}

impl BusyState {
    pub fn new() -> Self {
        let now = Instant::now();
        BusyState { callback: ptr::null_mut(), started: now, last_tick: now, threshold: Duration::ZERO, timed_out: false, killed: false }
    }
}

thread_local! {
    /// The engine whose script is running on this thread (the hook receives only the lua_State).
    static RUNNING: Cell<*mut Engine> = const { Cell::new(ptr::null_mut()) };
}

/// Installs the hook for the run about to start (when the threshold in control[1] is > 0 and a
/// busy callback is set).
///
/// # Safety
/// `engine.l` is a live state; called right before the script's lua_pcall.
pub unsafe fn arm(engine: &mut Engine) {
    let threshold_ms = if engine.control.len > 1 { *engine.control.data.add(1) } else { 0.0 };
    let b = &mut engine.busy;
    b.started = Instant::now();
    b.timed_out = false;
    b.killed = false;
    if threshold_ms > 0.0 && !b.callback.is_null() {
        b.threshold = Duration::from_micros((threshold_ms.min(1e12) * 1000.0) as u64);
        RUNNING.with(|r| r.set(engine as *mut Engine));
        (api().lua_sethook)(engine.l, Some(hook), LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
    }
}

/// Removes the hook after the run.
///
/// # Safety
/// `engine.l` is a live state.
pub unsafe fn disarm(engine: &mut Engine) {
    RUNNING.with(|r| r.set(ptr::null_mut()));
    (api().lua_sethook)(engine.l, None, 0, 0);
}

unsafe extern "C" fn hook(l: *mut lua_State, _ar: *mut lua_Debug) {
    if !tick() {
        return;
    }
    let a = api();
    (a.lua_sethook)(l, Some(hook), LUA_MASKLINE, 0);
    convert::push_error_table(l, KILLED, false, false);
    (a.lua_error)(l);
}

/// Whether the running script must stop: checks the time, serves clients once timed out.
/// Raises no Lua error.
unsafe fn tick() -> bool {
    let engine = RUNNING.with(|r| r.get());
    if engine.is_null() {
        return false;
    }
    let engine = &mut *engine;
    if engine.busy.killed {
        return true;
    }
    let now = Instant::now();
    let b = &mut engine.busy;
    if !b.timed_out {
        if now.duration_since(b.started) < b.threshold {
            return false;
        }
        b.timed_out = true;
    } else if now.duration_since(b.last_tick) < TICK_INTERVAL {
        return false;
    }
    b.last_tick = now;
    let elapsed_ms = now.duration_since(b.started).as_secs_f64() * 1000.0;
    let callback = b.callback;
    let answer = call_js(engine, callback, elapsed_ms, 0.0);
    if answer == Some(1.0) {
        engine.busy.killed = true;
    }
    // The tick may have taken a while (a slow client): the next one waits a full interval.
    engine.busy.last_tick = Instant::now();
    engine.busy.killed
}

/// luaSetBusyCallback(busy): the function the hook calls once a script timed out.
pub unsafe extern "C" fn lua_set_busy_callback(env: crate::napi::napi_env, info: crate::napi::napi_callback_info) -> crate::napi::napi_value {
    let (argv, argc) = super::args::<1>(env, info);
    let Some(engine) = super::engine_of(env) else { return super::throw(env, "luaSetBusyCallback: luaInit first") };
    if argc < 1 {
        return super::throw(env, "luaSetBusyCallback(busy: (elapsedMs) => 0 | 1)");
    }
    if !engine.busy.callback.is_null() {
        super::napi_delete_reference(env, engine.busy.callback);
        engine.busy.callback = ptr::null_mut();
    }
    if super::napi_create_reference(env, argv[0], 1, &mut engine.busy.callback) != crate::napi::NAPI_OK {
        return super::throw(env, "luaSetBusyCallback: busy must be a function");
    }
    ptr::null_mut()
}
