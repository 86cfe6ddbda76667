/**
 * Demo names in Chinese characters (`names: "hanzi"`): the same people as in pinyin, drawn from the
 * same seed, so switching the style changes how names are written and nothing else.
 */
import { describe, expect, it } from "vitest"
import { generateOrg, resolveDemoOptions } from "../src/demo"

const surnames: Record<string, string> = { Wang: "王", Li: "李", Zhang: "张", Liu: "刘", Chen: "陈", Yang: "杨", Huang: "黄", Zhao: "赵", Wu: "吴", Zhou: "周", Xu: "徐", Sun: "孙", Ma: "马", Zhu: "朱", Hu: "胡", Guo: "郭", He: "何", Lin: "林", Gao: "高", Luo: "罗", Zheng: "郑", Liang: "梁", Xie: "谢", Song: "宋", Tang: "唐", Han: "韩", Feng: "冯", Deng: "邓", Cao: "曹", Peng: "彭" }

const givens: Record<string, string> = {
  Wei: "伟", Fang: "芳", Na: "娜", Min: "敏", Jing: "静", Li: "丽", Qiang: "强", Lei: "磊", Jun: "军", Yang: "洋", Yong: "勇", Yan: "艳", Jie: "杰", Tao: "涛", Ming: "明",
  Chao: "超", Xiu: "秀", Xia: "霞", Ping: "平", Gang: "刚", Hui: "慧", Hong: "红", Bo: "波", Lan: "兰", Yu: "宇", Hao: "浩", Ning: "宁", Xin: "欣", Kai: "凯", Rui: "瑞",
  Dan: "丹", Ting: "婷", Long: "龙", Feng: "峰", Mei: "梅", Yun: "云", Qing: "青", Hua: "华", Zhen: "珍", Lin: "琳"
}

describe("demo names", () => {
  const shape = { seed: 5, customers: 0, regions: ["beijing"], districtsPerRegion: 2, squadsPerDistrict: 2, agentsPerTeam: 4 }
  const pinyin = generateOrg(resolveDemoOptions(shape))
  const hanzi = generateOrg(resolveDemoOptions({ ...shape, names: "hanzi" }))

  it("are pinyin by default and Chinese characters (two or three) with names: hanzi", () => {
    for (const m of pinyin.managers) expect(m.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/)
    for (const m of hanzi.managers) expect(m.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/)
  })

  it("are the same people either way: same ids and roles, each syllable written by its character", () => {
    expect(hanzi.managers.map((m) => [m.id, m.roles, m.teamId])).toEqual(pinyin.managers.map((m) => [m.id, m.roles, m.teamId]))
    pinyin.managers.forEach((m, i) => {
      const [surname, given] = m.name.split(" ") as [string, string]
      // Every way to read the given name as one or two syllables of the table, in characters.
      const readings = Object.entries(givens).flatMap(([first, c1]) => {
        if (!given.startsWith(first)) return []
        const rest = given.slice(first.length)
        if (rest === "") return [c1]
        const second = Object.entries(givens).find(([g]) => g.toLowerCase() === rest)
        return second ? [c1 + second[1]] : []
      })
      expect(readings.map((r) => surnames[surname] + r), m.name).toContain(hanzi.managers[i]!.name)
    })
  })

  it("name teams as a Chinese carrier does in the hanzi demo, in pinyin/English otherwise, with the same ids", () => {
    const names = (org: typeof pinyin) => Object.fromEntries(org.teams.map((t) => [t.id, t.name]))
    expect(names(hanzi)).toEqual({
      "t-beijing": "北京大区",
      "t-beijing-d1": "朝阳营业部",
      "t-beijing-d1-s1": "朝阳营业部一组",
      "t-beijing-d1-s2": "朝阳营业部二组",
      "t-beijing-d2": "海淀营业部",
      "t-beijing-d2-s1": "海淀营业部一组",
      "t-beijing-d2-s2": "海淀营业部二组"
    })
    expect(names(pinyin)).toMatchObject({ "t-beijing": "Beijing region", "t-beijing-d1": "Chaoyang branch", "t-beijing-d2-s2": "Haidian branch squad 2" })
    // The default regions and beyond the known districts (and a region the lists do not know).
    const zh = generateOrg(resolveDemoOptions({ customers: 0, names: "hanzi", districtsPerRegion: 7, squadsPerDistrict: 12, agentsPerTeam: 1 }))
    const zhName = (id: string) => zh.teams.find((t) => t.id === id)?.name
    expect([zhName("t-chongqing"), zhName("t-chongqing-d4"), zhName("t-urumqi-d1-s10"), zhName("t-urumqi-d7-s12")]).toEqual(["重庆大区", "沙坪坝营业部", "天山营业部十组", "第七营业部十二组"])
    const other = generateOrg(resolveDemoOptions({ customers: 0, regions: ["north"], districtsPerRegion: 1, squadsPerDistrict: 1, agentsPerTeam: 1 }))
    expect(other.teams.map((t) => t.name)).toEqual(["North region", "Branch 1", "Branch 1 squad 1"])
    // Names never move anyone's generated data: same managers either way.
    expect(hanzi.managers.map((m) => m.profile.phone)).toEqual(pinyin.managers.map((m) => m.profile.phone))
  })
})
