//! `--shard I/N`: a stable split of a file by a hash of each row's reference.
//!
//! The hash is SHA-256 of the `merchant_customer_id` (its first 8 bytes, big-endian, modulo N):
//! the same on every machine, operating system and Prism version, so N machines given the same
//! file and `--shard 1/N` … `--shard N/N` import disjoint sets whose union is the whole file.
//! Every row of one reference lands in the same shard, so a duplicate inside the file is seen
//! by the shard that sends its first occurrence.

use sha2::{Digest, Sha256};

/// One shard: `index` of `count`, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, `1..=count`.
    pub index: u32,
    /// How many shards.
    pub count: u32,
}

impl Shard {
    /// Whether the row with this reference hash belongs to the shard.
    pub fn contains(&self, hash: &RefHash) -> bool {
        hash.shard_of(self.count) == self.index
    }
}

/// Parses `I/N` with `1 <= I <= N`.
pub fn parse_shard(s: &str) -> Result<Shard, String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}`: expected I/N, e.g. 2/4"))?;
    let index: u32 = i
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: I is not a number"))?;
    let count: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: N is not a number"))?;
    if count == 0 || index == 0 || index > count {
        return Err(format!("`{s}`: need 1 <= I <= N"));
    }
    Ok(Shard { index, count })
}

/// The SHA-256 of a reference, taken once per row: its first 8 bytes choose the shard and its
/// first 16 identify the reference in memory (duplicate and resume sets) without keeping it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RefHash(pub u128);

impl RefHash {
    /// The hash of `reference`.
    pub fn of(reference: &str) -> RefHash {
        let digest = Sha256::digest(reference.as_bytes());
        let mut first = [0u8; 16];
        first.copy_from_slice(&digest[..16]);
        RefHash(u128::from_be_bytes(first))
    }

    /// The 1-based shard of `count` this reference belongs to.
    pub fn shard_of(&self, count: u32) -> u32 {
        let high = (self.0 >> 64) as u64;
        (high % u64::from(count)) as u32 + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(parse_shard("2/4"), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "x/2", "3", ""] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hash_is_stable_and_every_reference_lands_in_one_shard() {
        // Pinned: a change here would re-split files already being imported on several machines.
        let digest = Sha256::digest(b"cust_user_12345");
        let high = u64::from_be_bytes(digest[..8].try_into().unwrap_or_default());
        assert_eq!(
            RefHash::of("cust_user_12345").shard_of(7),
            (high % 7) as u32 + 1
        );
        for i in 0..1000 {
            let h = RefHash::of(&format!("cust_{i}"));
            let owners: Vec<u32> = (1..=5)
                .filter(|&k| Shard { index: k, count: 5 }.contains(&h))
                .collect();
            assert_eq!(owners.len(), 1);
        }
    }
}
