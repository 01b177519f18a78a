//! Redis's redisLrand48 / redisSrand48 (rand.c): the 48-bit linear congruential generator of
//! SVID's lrand48, which math.random uses so that every platform gives the same sequence. The state
//! starts at the default seed (0x1234ABCD330E) and lives as long as the scripting engine, as in
//! Redis 7.0, where math.randomseed(n) restarts it.

pub const INITIAL: u64 = 0x1234_ABCD_330E;
const A: u64 = 0x5_DEEC_E66D;
const C: u64 = 0xB;
const MASK: u64 = (1 << 48) - 1;
/// REDIS_LRAND48_MAX.
pub const LRAND48_MAX: i64 = i32::MAX as i64;

/// Next value in [0, 2^31).
pub fn lrand48(x: &mut u64) -> i64 {
    *x = (A.wrapping_mul(*x).wrapping_add(C)) & MASK;
    (*x >> 17) as i64
}

/// redisSrand48: the high 32 bits of the state are the seed, the low 16 are 0x330E.
pub fn srand48(x: &mut u64, seed: i32) {
    *x = ((seed as u32 as u64) << 16) | 0x330E;
}

/// math.random's `r`: (lrand48() % MAX) / MAX, in [0, 1).
pub fn unit(x: &mut u64) -> f64 {
    (lrand48(x) % LRAND48_MAX) as f64 / LRAND48_MAX as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn matches_redis_first_values() {
        let mut x = INITIAL;
        let r = unit(&mut x);
        assert_eq!(format!("{:.14}", r), "0.39646477363839");
        let mut y = 0;
        srand48(&mut y, 0);
        assert_eq!(format!("{:.14}", unit(&mut y)), "0.17082803611217");
    }
}
