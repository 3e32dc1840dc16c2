import { identityKey } from "../lib/identity.js";

/**
 * The recommending units of the province (DESIGN §1): 13 cities, 雄安新区 and the province
 * departments (省直). Stored by their short Chinese name; "石家庄市" and "Shijiazhuang" are accepted too.
 */
export const CITIES = [
  { name: "石家庄", en: "Shijiazhuang" },
  { name: "唐山", en: "Tangshan" },
  { name: "秦皇岛", en: "Qinhuangdao" },
  { name: "邯郸", en: "Handan" },
  { name: "邢台", en: "Xingtai" },
  { name: "保定", en: "Baoding" },
  { name: "张家口", en: "Zhangjiakou" },
  { name: "承德", en: "Chengde" },
  { name: "沧州", en: "Cangzhou" },
  { name: "廊坊", en: "Langfang" },
  { name: "衡水", en: "Hengshui" },
  { name: "定州", en: "Dingzhou" },
  { name: "辛集", en: "Xinji" },
  { name: "雄安新区", en: "Xiong'an" },
  { name: "省直", en: "Province departments" },
] as const;

export type City = (typeof CITIES)[number]["name"];

/** Every way a city may be written, by identity key: "保定", "保定市", "Baoding", "ＢＡＯＤＩＮＧ", "保\u200B定". */
const CITY_OF_KEY = new Map<string, City>([
  ...CITIES.flatMap((c) => [c.name, `${c.name}市`, c.en].map((alias) => [identityKey(alias), c.name] as const)),
  [identityKey("雄安"), "雄安新区"],
  [identityKey("xiongan"), "雄安新区"],
  [identityKey("省直部门"), "省直"],
  [identityKey("省直单位"), "省直"],
]);

/** The canonical city name for what a person typed, or null when it is not one of ours. */
export function normalizeCity(input: string): City | null {
  return CITY_OF_KEY.get(identityKey(input)) ?? null;
}

export function cityLabel(name: string, locale: string): string {
  const city = CITIES.find((c) => c.name === name);
  return city && locale === "en" ? city.en : name;
}
