/** Pinyin name parts for demo people (deterministic, obviously fictional combinations). */
import type { Random } from "../Random"

const surnames = [
  "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu",
  "Guo", "He", "Lin", "Gao", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Han", "Feng", "Deng", "Cao", "Peng"
] as const

const givens = [
  "Wei", "Fang", "Na", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang", "Yong", "Yan", "Jie", "Tao", "Ming",
  "Chao", "Xiu", "Xia", "Ping", "Gang", "Hui", "Hong", "Bo", "Lan", "Yu", "Hao", "Ning", "Xin", "Kai", "Rui",
  "Dan", "Ting", "Long", "Feng", "Mei", "Yun", "Qing", "Hua", "Zhen", "Lin"
] as const

/** A name such as "Zhang Xiu" or "Liu Yunfeng". */
export const personName = (rng: Random): string => {
  const first = rng.pick(givens)
  const given = rng.chance(0.6) ? first + rng.pick(givens).toLowerCase() : first
  return `${rng.pick(surnames)} ${given}`
}
