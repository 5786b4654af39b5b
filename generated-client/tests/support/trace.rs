//! What `tracing` saw on the capturing thread, as text lines: `span NAME` for each span,
//! `event LEVEL` for each event, and `field=value` (the value's `Debug` form) for each field
//! after them.
//!
//! The subscriber is the global default, installed once, and it keeps lines only on threads
//! that capture. A subscriber set per thread (`set_default`) loses events when another test
//! thread registers the same callsite at the same moment, because tracing caches a callsite's
//! interest; tests built that way failed now and then.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// The lines captured so far.
#[derive(Clone, Default)]
pub struct Trace(Arc<Mutex<Vec<String>>>);

thread_local! {
    static SINK: RefCell<Option<Trace>> = const { RefCell::new(None) };
}

/// Stops capturing on this thread when dropped.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        SINK.with(|sink| sink.borrow_mut().take());
    }
}

impl Trace {
    /// Keeps what this thread traces here until the guard is dropped.
    pub fn capture(&self) -> Guard {
        static INSTALLED: OnceLock<()> = OnceLock::new();
        INSTALLED.get_or_init(|| {
            tracing::subscriber::set_global_default(Global).expect("no other global subscriber");
        });
        SINK.with(|sink| *sink.borrow_mut() = Some(self.clone()));
        Guard
    }

    /// Every line, in order.
    pub fn lines(&self) -> Vec<String> {
        self.0.lock().expect("lock").clone()
    }

    /// The value of `field` in each event of `level` (such as `WARN`) that has it.
    pub fn event_field(&self, level: &str, field: &str) -> Vec<String> {
        let marker = format!("event {level}");
        let prefix = format!("{field}=");
        let mut out = Vec::new();
        let mut inside = false;
        for line in self.lines() {
            if line.starts_with("event ") || line.starts_with("span ") {
                inside = line == marker;
            } else if let Some(value) = line.strip_prefix(&prefix).filter(|_| inside) {
                out.push(value.to_owned());
            }
        }
        out
    }
}

fn push(lines: impl FnOnce(&mut Vec<String>)) {
    SINK.with(|sink| {
        if let Some(trace) = &*sink.borrow() {
            lines(&mut trace.0.lock().expect("lock"));
        }
    });
}

struct Fields<'a>(&'a mut Vec<String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push(format!("{}={value:?}", field.name()));
    }
}

struct Global;

impl Subscriber for Global {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        push(|lines| {
            lines.push(format!("span {}", span.metadata().name()));
            span.record(&mut Fields(lines));
        });
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        push(|lines| values.record(&mut Fields(lines)));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        push(|lines| {
            lines.push(format!("event {}", event.metadata().level()));
            event.record(&mut Fields(lines));
        });
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}
