//! Sources: `.mtx` files become `file-<name>` families with dims for permute; bad files are errors.

use std::path::PathBuf;

use rawcheck_benches::{Profile, Source};
use rawcheck_kernels::Csr;
use rawcheck_kernels::families::{Family, generate};
use rawcheck_kernels::mtx::write_path;

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rawcheck-benches-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn mtx_files_are_families_of_their_own() {
    let dir = scratch("files");
    let square = generate(Family::Banded, 300, 1); // 45 x 45 = (3 * 15)
    let ket = Csr::<u64>::from_triplets(7, 1, &[(3, 0, 1.0.into())]).unwrap();
    let bra = Csr::<u64>::from_triplets(1, 12, &[(0, 5, 1.0.into())]).unwrap();
    let odd = Csr::<u64>::from_triplets(2, 3, &[]).unwrap();
    for (name, m) in [("b", &square), ("a", &ket), ("c", &bra), ("d", &odd)] {
        write_path(m, &dir.join(format!("{name}.mtx")), None).unwrap();
    }
    std::fs::write(dir.join("notes.txt"), "not a matrix").unwrap();
    let sources = Source::files(&dir).unwrap();
    let names: Vec<_> = sources.iter().map(Source::name).collect();
    assert_eq!(names, ["file-a", "file-b", "file-c", "file-d"]);
    let dims: Vec<_> = sources.iter().map(|s| s.shape(0, true).dims).collect();
    let square_dims = {
        let n = square.rows();
        let p = (2..n).find(|p| n.is_multiple_of(*p)).unwrap();
        vec![p, n / p]
    };
    assert_eq!(
        dims,
        [vec![], square_dims, vec![2, 6], vec![]],
        "7 is prime; 2x3 is not permutable"
    );
    assert_eq!(sources[1].sizes(Profile::Full), vec![300]);
    assert_eq!(*sources[1].matrix(300, false), square);

    std::fs::write(
        dir.join("e.mtx"),
        "%%MatrixMarket matrix coordinate real general\n2 2 1\n",
    )
    .unwrap();
    let err = Source::files(&dir).unwrap_err();
    assert!(err.contains("e.mtx"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_directory_is_an_error() {
    let err = Source::files(&scratch("missing").join("nowhere")).unwrap_err();
    assert!(err.contains("nowhere"), "{err}");
}
