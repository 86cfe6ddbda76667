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

/** The same names in Chinese characters, index for index (Wang 王, Wei 伟, ...). */
const hanziSurnames = [..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐韩冯邓曹彭"]
const hanziGivens = [..."伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚慧红波兰宇浩宁欣凯瑞丹婷龙峰梅云青华珍琳"]

/** How demo people's names are written: pinyin ("Zhang Xiu") or Chinese characters ("张秀"). */
export type NameStyle = "pinyin" | "hanzi"

/** The index `rng.pick` would choose among `n` items (the same single draw). */
const pickIndex = (rng: Random, n: number): number => Math.floor(rng.next() * n)

/**
 * A name such as "Zhang Xiu" or "Liu Yunfeng" — or, in `hanzi`, "张秀" or "刘云峰": the same draws,
 * so a seed gives the same person in either style.
 */
export const personName = (rng: Random, style: NameStyle = "pinyin"): string => {
  const first = pickIndex(rng, givens.length)
  const second = rng.chance(0.6) ? pickIndex(rng, givens.length) : null
  const surname = pickIndex(rng, surnames.length)
  if (style === "hanzi") return `${hanziSurnames[surname]}${hanziGivens[first]}${second === null ? "" : hanziGivens[second]}`
  return `${surnames[surname]} ${givens[first]}${second === null ? "" : givens[second]!.toLowerCase()}`
}
