//! Rendering: the IR to formatted file text, one job per file (or part of a file), run on
//! every core.
//!
//! Each job emits its tokens (quote), parses them (syn) and prints them (prettyplease) on the
//! worker thread that runs it: token streams are not `Send`, and the three steps of different
//! files share nothing but the read-only IR. `types.rs`, by far the largest file, is cut into
//! parts of about the same estimated size that are formatted independently and joined, which
//! prettyplease makes identical to formatting it whole. Spec docs are not parsed: each job
//! collects them and writes them into its printed text ([`crate::splice`]).

use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;

use crate::emit;
use crate::ir::{Api, TypeDef, TypeKind};
use crate::naming;
use crate::splice;

/// Formats a whole file and puts `header` above it. A token stream that does not parse is a
/// generator bug; it is returned as an error naming the file rather than panicking.
pub fn render(tokens: TokenStream, header: &str, file: &str) -> Result<String, String> {
    let syntax = parse(tokens, file)?;
    let body = prettyplease::unparse(&syntax);
    Ok(format!("{header}{body}"))
}

fn parse(tokens: TokenStream, file: &str) -> Result<syn::File, String> {
    syn::parse2(tokens)
        .map_err(|e| format!("internal error: the generator produced invalid Rust for {file}: {e}"))
}

/// Time spent in each step, summed over every job (so on two cores the sum can exceed the
/// wall time).
#[derive(Debug, Default)]
pub struct Steps {
    emit: AtomicU64,
    parse: AtomicU64,
    print: AtomicU64,
    /// Doc blocks spliced into printed text, and jobs rendered again because a marker was
    /// printed where no doc line is.
    spliced: AtomicUsize,
    rendered_again: AtomicUsize,
}

impl Steps {
    fn add(counter: &AtomicU64, since: Instant) -> Instant {
        let now = Instant::now();
        let nanos = u64::try_from((now - since).as_nanos()).unwrap_or(u64::MAX);
        counter.fetch_add(nanos, Ordering::Relaxed);
        now
    }

    /// Emitting tokens, parsing them and printing them, summed over all jobs.
    pub fn totals(&self) -> [(&'static str, Duration); 3] {
        let read = |c: &AtomicU64| Duration::from_nanos(c.load(Ordering::Relaxed));
        [
            ("emit (quote)", read(&self.emit)),
            ("parse (syn)", read(&self.parse)),
            ("print (prettyplease)", read(&self.print)),
        ]
    }
}

/// One unit of rendering.
enum Job<'a> {
    Root,
    /// The types in `range`, in order; the first part also carries the module's header.
    Types {
        range: Range<usize>,
        weight: usize,
    },
    OperationsMod,
    Webhooks(&'a crate::ir::Webhooks),
    Group(&'a crate::ir::Group),
    Testing,
    Lib,
}

impl Job<'_> {
    /// The file the job's text belongs to.
    fn path(&self) -> String {
        match self {
            Self::Root => "mod.rs".into(),
            Self::Types { .. } => "types.rs".into(),
            Self::OperationsMod => "operations/mod.rs".into(),
            Self::Webhooks(_) => "webhooks.rs".into(),
            Self::Group(group) => format!("operations/{}.rs", naming::unraw(&group.module)),
            Self::Testing => "testing.rs".into(),
            Self::Lib => "src/lib.rs".into(),
        }
    }

    /// A rough size in lines of output, so the largest jobs start first and the threads
    /// finish together.
    fn weight(&self, api: &Api) -> usize {
        let operations = || api.groups.iter().map(|g| g.operations.len()).sum::<usize>();
        match self {
            Self::Types { weight, .. } => *weight,
            Self::Group(group) => group.operations.len() * 130,
            Self::Webhooks(webhooks) => webhooks.events.len() * 30,
            Self::Testing => operations() * 18,
            Self::Lib => 100,
            Self::Root | Self::OperationsMod => 10,
        }
    }

    fn emit(&self, api: &Api, types: &emit::TypesContext) -> TokenStream {
        match self {
            Self::Root => emit::emit_root(api),
            Self::Types { range, .. } => emit::emit_types_part(api, types, range.clone()),
            Self::OperationsMod => emit::emit_operations_mod(api),
            Self::Webhooks(webhooks) => emit::emit_webhooks(api, webhooks),
            Self::Group(group) => emit::emit_group(api, group),
            Self::Testing => emit::emit_testing(api),
            Self::Lib => emit::emit_lib(api),
        }
    }
}

/// The largest part of `types.rs`, in lines of output (about): a part's tokens and syntax
/// tree are in memory at once, so a very large document is cut into many parts.
const MAX_PART_LINES: usize = 6_000;

/// `types.rs` cut into consecutive parts of about the same size: four per thread, so that the
/// last jobs to finish are small, none under about `part_lines` lines and none over about
/// [`MAX_PART_LINES`].
fn type_parts(api: &Api, threads: usize, part_lines: usize) -> Vec<(Range<usize>, usize)> {
    let weights: Vec<usize> = api.types.iter().map(type_weight).collect();
    let total: usize = weights.iter().sum();
    let parts = (total / part_lines.max(1))
        .clamp(1, threads.max(1) * 4)
        .max(total.div_ceil(MAX_PART_LINES));
    let target = total.div_ceil(parts).max(1);
    let mut ranges = Vec::with_capacity(parts);
    let (mut start, mut sum) = (0, 0);
    for (i, weight) in weights.iter().enumerate() {
        sum += weight;
        if sum >= target && i + 1 < weights.len() {
            ranges.push((start..i + 1, sum));
            (start, sum) = (i + 1, 0);
        }
    }
    ranges.push((start..weights.len(), sum));
    ranges
}

/// About how many lines a type's declaration and impls take.
fn type_weight(def: &TypeDef) -> usize {
    match &def.kind {
        TypeKind::Struct { fields, .. } => 12 + fields.len() * 4,
        TypeKind::Enum { variants, .. } => 45 + variants.len() * 5,
        TypeKind::IntEnum { variants, .. } => 40 + variants.len() * 5,
        TypeKind::Tagged { variants, .. } | TypeKind::Untagged { variants } => {
            20 + variants.len() * 6
        }
        TypeKind::Responses { variants, .. } => 10 + variants.len() * 3,
        TypeKind::Alias(_) => 5,
    }
}

/// The generated modules of `api` by path (`types.rs`, `operations/users.rs`), plus
/// `src/lib.rs` when `lib` is set, each starting with `header`, formatted on `threads`
/// threads (every core when `None`).
pub fn render_api(
    api: &Api,
    header: &str,
    lib: bool,
    threads: Option<usize>,
    steps: &Steps,
) -> Result<Vec<(String, String)>, String> {
    render_jobs(api, header, lib, threads, steps, Cut::DEFAULT)
}

/// How rendering is done, where tests compare one way with another.
#[derive(Debug, Clone, Copy)]
struct Cut {
    /// Spec docs spliced into the printed text ([`crate::splice`]) rather than emitted as
    /// attributes.
    splice_docs: bool,
    /// The smallest part of `types.rs`, in lines of output (about).
    part_lines: usize,
}

impl Cut {
    const DEFAULT: Self = Self {
        splice_docs: true,
        part_lines: 400,
    };
}

/// The threads to use: `threads`, or every core when `None`.
pub fn threads(threads: Option<usize>) -> usize {
    threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    })
}

/// [`render_api`], done as `cut` says.
fn render_jobs(
    api: &Api,
    header: &str,
    lib: bool,
    threads: Option<usize>,
    steps: &Steps,
    cut: Cut,
) -> Result<Vec<(String, String)>, String> {
    let threads = self::threads(threads);
    let mut jobs = vec![Job::Root, Job::OperationsMod];
    jobs.extend(
        type_parts(api, threads, cut.part_lines)
            .into_iter()
            .map(|(range, weight)| Job::Types { range, weight }),
    );
    jobs.extend(api.webhooks.as_ref().map(Job::Webhooks));
    jobs.extend(api.groups.iter().map(Job::Group));
    jobs.push(Job::Testing);
    if lib {
        jobs.push(Job::Lib);
    }
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].weight(api)));

    let types = emit::TypesContext::new(api);
    let results: Vec<Mutex<Option<Result<String, String>>>> =
        jobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let job = &jobs[index];
            let started = Instant::now();
            let (tokens, docs) = if cut.splice_docs {
                splice::collect(|| job.emit(api, &types))
            } else {
                (job.emit(api, &types), Vec::new())
            };
            let emitted = Steps::add(&steps.emit, started);
            let text = parse(tokens, &job.path()).and_then(|syntax| {
                let parsed = Steps::add(&steps.parse, emitted);
                let printed = prettyplease::unparse(&syntax);
                let text = match splice::splice(&printed, &docs) {
                    Some(text) => {
                        steps.spliced.fetch_add(docs.len(), Ordering::Relaxed);
                        Ok(text)
                    }
                    // A marker where no doc line is printed: the job again, plainly.
                    None => {
                        steps.rendered_again.fetch_add(1, Ordering::Relaxed);
                        parse(job.emit(api, &types), &job.path())
                            .map(|syntax| prettyplease::unparse(&syntax))
                    }
                };
                Steps::add(&steps.print, parsed);
                text
            });
            if let Ok(mut slot) = results[index].lock() {
                *slot = Some(text);
            }
        }
    };
    if threads > 1 && jobs.len() > 1 {
        // The calling thread is one of the workers: the memory it freed since loading (the
        // parser's buffers) is reused instead of fresh pages for another thread.
        std::thread::scope(|scope| {
            for _ in 1..threads.min(jobs.len()) {
                scope.spawn(work);
            }
            work();
        });
    } else {
        work();
    }

    // Jobs are in file order, and a file's parts are consecutive.
    let mut files: Vec<(String, String)> = Vec::new();
    for (job, result) in jobs.iter().zip(results) {
        let text = result
            .into_inner()
            .map_err(|_| "internal error: a rendering thread failed".to_owned())?
            .ok_or_else(|| "internal error: a rendering job did not run".to_owned())??;
        let path = job.path();
        match files.last_mut() {
            Some((last, body)) if *last == path => body.push_str(&text),
            _ => files.push((path, format!("{header}{text}"))),
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use std::sync::atomic::Ordering;

    use super::{Cut, Steps, render_jobs};
    use crate::{Layout, Model, Options};

    /// Spliced docs give the text the attributes give, and one thread the text two give, for
    /// every fixture, spec/ and, when they are present, the published documents.
    #[test]
    fn neither_spliced_docs_nor_threads_change_the_text() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut documents: Vec<_> = std::fs::read_dir(root.join("tests/fixtures"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "json"))
            .collect();
        documents.push(root.join("../spec/clerk-backend-api.yaml"));
        documents.extend(
            std::fs::read_dir(root.join("../../shared/reference"))
                .into_iter()
                .flatten()
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|e| e == "yml")),
        );
        let (mut compared, mut blocks) = (0, 0);
        for path in &documents {
            let text = std::fs::read_to_string(path).expect("a listed document reads");
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let read = move |relative: &str| {
                std::fs::read_to_string(dir.join(relative)).map_err(|e| e.to_string())
            };
            let name = path.display().to_string();
            // Fixtures that are meant to fail are not this test's business.
            let Ok(model) = Model::load(&name, &text, &Options::new(Layout::Crate), &read) else {
                continue;
            };
            let steps = Steps::default();
            let render = |threads, steps: &Steps, cut| {
                render_jobs(&model.api, "", true, Some(threads), steps, cut)
                    .expect("a loaded document renders")
            };
            let spliced = render(2, &steps, Cut::DEFAULT);
            let plain = Cut {
                splice_docs: false,
                ..Cut::DEFAULT
            };
            let plain = render(2, &Steps::default(), plain);
            assert_eq!(steps.rendered_again.load(Ordering::Relaxed), 0, "{name}");
            blocks += steps.spliced.load(Ordering::Relaxed);
            // Where the types module is cut depends on the threads; its text does not.
            let one_part = render(1, &Steps::default(), Cut::DEFAULT);
            let small_parts = Cut {
                part_lines: 1,
                ..Cut::DEFAULT
            };
            let small_parts = render(3, &Steps::default(), small_parts);
            assert!(one_part == spliced, "{name}: one thread gives other text");
            assert!(
                small_parts == spliced,
                "{name}: small parts give other text"
            );
            assert_eq!(spliced.len(), plain.len(), "{name}");
            for ((path, spliced), (_, plain)) in spliced.iter().zip(&plain) {
                assert!(
                    spliced == plain,
                    "{name}: {path} differs when docs are spliced"
                );
            }
            compared += 1;
        }
        assert!(compared >= 30, "only {compared} documents were compared");
        assert!(blocks > 1000, "only {blocks} doc blocks were spliced");
    }
}
