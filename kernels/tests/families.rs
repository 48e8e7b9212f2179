//! families: seeded generation is deterministic, valid, sized as asked and shaped for permute.
// Generation is safe code (`#![forbid(unsafe_code)]`) and slow under Miri: its time goes to the kernels.
#![cfg(not(miri))]

use rawcheck_kernels::families::{
    DEFAULT_SEED, Family, Spec, VECTORISABLE_ELEMENTS_PER_NNZ, generate, index_permutations,
    permutation,
};

/// The benchmarks' powers of ten that are small enough for the test (and for Miri).
fn sizes() -> Vec<usize> {
    if cfg!(miri) {
        vec![1_000]
    } else {
        vec![1_000, 10_000, 100_000]
    }
}

#[test]
fn a_seed_always_gives_the_same_matrix() {
    for family in Family::ALL {
        let a = generate(family, 1000, 42);
        assert_eq!(a, generate(family, 1000, 42), "{family}");
        assert_ne!(
            a.values(),
            generate(family, 1000, 43).values(),
            "{family}: another seed, other values"
        );
    }
}

#[test]
fn known_values_pin_the_generator() {
    // Any change to the generator changes every benchmark input: make it a visible decision.
    let pinned = [
        (
            Family::Uniform,
            224,
            110_559,
            (0.6625146972574185, -0.3089534295783072),
        ),
        (
            Family::Banded,
            144,
            71_541,
            (-0.8044860572064427, -0.5279211038582567),
        ),
        (
            Family::Powerlaw,
            125,
            61_633,
            (-0.7960636915180963, -0.5440245408561963),
        ),
        (
            Family::Tensor,
            125,
            55_500,
            (-0.17045251849223508, 0.0006468488157761673),
        ),
    ];
    for (family, dim, column_sum, (re, im)) in pinned {
        let a = generate(family, 1000, DEFAULT_SEED);
        assert_eq!(a.shape(), (dim, dim), "{family}");
        assert_eq!(
            a.iter().map(|(_, c, _)| c).sum::<usize>(),
            column_sum,
            "{family}"
        );
        assert_eq!((a.values()[0].re, a.values()[0].im), (re, im), "{family}");
    }
}

#[test]
fn powers_of_ten_are_hit_exactly_and_dims_factor_the_shape() {
    for family in Family::ALL {
        for nnz in sizes() {
            let natural = Spec::new(family, nnz);
            let wanted = family.natural_dim(nnz);
            assert!(
                (wanted..=wanted + wanted / 10).contains(&natural.dim()),
                "{family} {nnz}: dim {} for natural {wanted}",
                natural.dim()
            );
            for spec in [natural, Spec::vectorisable(family, nnz)] {
                assert_eq!(spec.nnz(), nnz, "{family} {nnz} {spec:?}");
                let a = spec.generate(DEFAULT_SEED);
                assert_eq!(a.nnz(), nnz, "{family} {nnz}");
                assert_eq!(a.shape(), (spec.dim(), spec.dim()));
                assert_eq!(spec.dims().len(), 3);
                assert_eq!(spec.dims().iter().product::<usize>(), spec.dim());
            }
        }
    }
}

#[test]
fn shapes_follow_the_family() {
    let nnz = if cfg!(miri) { 100 } else { 10_000 };
    let uniform = Spec::new(Family::Uniform, nnz);
    let elements = uniform.dim() * uniform.dim();
    assert!((45..=55).contains(&(elements / nnz)), "2 % density");
    let banded = generate(Family::Banded, nnz, DEFAULT_SEED);
    for (r, c, _) in banded.iter() {
        assert!(r.abs_diff(c) <= 7, "({r}, {c}) outside the band");
    }
    let powerlaw = generate(Family::Powerlaw, nnz, DEFAULT_SEED);
    let longest = powerlaw
        .row_ptr()
        .windows(2)
        .map(|w| w[1] - w[0])
        .max()
        .unwrap();
    assert!(
        longest as usize > nnz / 20,
        "the top-ranked row holds a large share"
    );
    let v = Spec::vectorisable(Family::Banded, nnz);
    let per_nnz = v.dim() * v.dim() / nnz;
    assert!(
        (VECTORISABLE_ELEMENTS_PER_NNZ..2 * VECTORISABLE_ELEMENTS_PER_NNZ).contains(&per_nnz),
        "{per_nnz}"
    );
}

#[test]
fn other_sizes_stay_close_and_dense_requests_fill_the_matrix() {
    for family in Family::ALL {
        let sizes: &[usize] = if cfg!(miri) {
            &[10, 99]
        } else {
            &[10, 100, 999, 1234, 4321]
        };
        for &nnz in sizes {
            let a = generate(family, nnz, 1);
            let miss = a.nnz().abs_diff(nnz) as f64 / nnz as f64;
            assert!(miss <= 0.1, "{family} {nnz}: got {}", a.nnz());
        }
        let full = Spec::with_dim(family, 36, 6).generate(3);
        assert_eq!((full.shape(), full.nnz()), ((6, 6), 36), "{family}");
        let raised = Spec::with_dim(family, 50, 2);
        assert!(raised.dim() * raised.dim() >= 50, "{family}");
    }
}

#[test]
fn names_round_trip() {
    for f in Family::ALL {
        assert_eq!(f.name().parse::<Family>().unwrap(), f);
    }
    let err = "dense".parse::<Family>().unwrap_err();
    assert!(err.to_string().contains("uniform, banded"), "{err}");
}

#[test]
fn permutations_are_seeded_shuffles() {
    let p = permutation(1000, 5);
    assert_eq!(p, permutation(1000, 5));
    assert_ne!(p, permutation(1000, 6));
    let mut sorted = p.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..1000).collect::<Vec<_>>());
    assert_eq!(permutation(4, 0), vec![2, 0, 1, 3]); // replayed in Python from the docs
    assert!(permutation(0, 1).is_empty());
    assert_eq!(
        index_permutations(5, 7, 9),
        (permutation(5, 8), permutation(7, 11))
    );
}
