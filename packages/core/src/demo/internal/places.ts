/**
 * Team names for the demo organisation, as a Chinese carrier's retention centre names its units:
 * a region (大区) per city, a branch (营业部) per city district, numbered squads (组) in a branch —
 * in Chinese characters for the `hanzi` demo, in pinyin/English for the `pinyin` one. Fixed lists,
 * no random draws: team names never shift anyone's generated data.
 */
import type { NameStyle } from "./names"

interface City {
  readonly zh: string
  readonly en: string
  /** Real city districts: [Chinese, pinyin]. */
  readonly districts: ReadonlyArray<readonly [string, string]>
}

const cities: Readonly<Record<string, City>> = {
  beijing: { zh: "北京", en: "Beijing", districts: [["朝阳", "Chaoyang"], ["海淀", "Haidian"], ["东城", "Dongcheng"], ["西城", "Xicheng"], ["丰台", "Fengtai"], ["通州", "Tongzhou"]] },
  chongqing: { zh: "重庆", en: "Chongqing", districts: [["渝中", "Yuzhong"], ["江北", "Jiangbei"], ["南岸", "Nan'an"], ["沙坪坝", "Shapingba"], ["九龙坡", "Jiulongpo"], ["渝北", "Yubei"]] },
  urumqi: { zh: "乌鲁木齐", en: "Urumqi", districts: [["天山", "Tianshan"], ["沙依巴克", "Saybagh"], ["新市", "Xinshi"], ["水磨沟", "Shuimogou"], ["头屯河", "Toutunhe"], ["米东", "Midong"]] },
  shanghai: { zh: "上海", en: "Shanghai", districts: [["浦东", "Pudong"], ["黄浦", "Huangpu"], ["徐汇", "Xuhui"], ["静安", "Jing'an"], ["闵行", "Minhang"], ["杨浦", "Yangpu"]] },
  guangzhou: { zh: "广州", en: "Guangzhou", districts: [["天河", "Tianhe"], ["越秀", "Yuexiu"], ["海珠", "Haizhu"], ["白云", "Baiyun"], ["番禺", "Panyu"], ["荔湾", "Liwan"]] }
}

const digits = [..."零一二三四五六七八九"]

/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 47 → 四十七 (squad numbers go up to 50). */
const chineseNumber = (n: number): string => {
  if (n < 10) return digits[n]!
  const tens = Math.floor(n / 10)
  const ones = n % 10
  return `${tens === 1 ? "" : digits[tens]}十${ones === 0 ? "" : digits[ones]}`
}

const capitalised = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

/** The names of a region's root team, its `d`-th branch and that branch's `s`-th squad (1-based). */
export const teamNames = (region: string, style: NameStyle) => {
  const city = cities[region]
  const branch = (d: number): string => {
    const known = city?.districts[d - 1]
    if (style === "hanzi") return known ? `${known[0]}营业部` : `第${chineseNumber(d)}营业部`
    return known ? `${known[1]} branch` : `Branch ${d}`
  }
  return {
    root: style === "hanzi" ? `${city?.zh ?? region}大区` : `${city?.en ?? capitalised(region)} region`,
    branch,
    squad: (d: number, s: number): string => (style === "hanzi" ? `${branch(d)}${chineseNumber(s)}组` : `${branch(d)} squad ${s}`)
  }
}
