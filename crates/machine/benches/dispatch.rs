//! Guest instructions per second on a loop of ALU, branch and CALL/RET
//! work. Run: `cargo bench -p cml-machine --bench dispatch`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

#[path = "../examples/dispatch_loop.rs"]
mod dispatch_loop;

fn dispatch(criterion: &mut Criterion) {
    let image = dispatch_loop::dispatch_loop_image(4);
    let per_run = dispatch_loop::run_dispatch_loop(&image);
    let mut group = criterion.benchmark_group("dispatch");
    group.throughput(Throughput::Elements(per_run));
    group.sample_size(30);
    group.bench_function("alu_branch_call_loop", |bencher| {
        bencher.iter(|| dispatch_loop::run_dispatch_loop(&image))
    });
    group.finish();
}

criterion_group!(benches, dispatch);
criterion_main!(benches);
