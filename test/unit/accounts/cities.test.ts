import { expect } from "chai";
import { CITIES, normalizeCity } from "../../../src/accounts/cities.js";

describe("cities", () => {
  it("knows the 13 cities, 雄安新区 and the province departments", () => {
    expect(CITIES).to.have.length(15);
  });

  it("accepts the short name, the name with 市, and the pinyin name", () => {
    expect(normalizeCity("石家庄")).to.equal("石家庄");
    expect(normalizeCity(" 石家庄市 ")).to.equal("石家庄");
    expect(normalizeCity("Shijiazhuang")).to.equal("石家庄");
    expect(normalizeCity("雄安")).to.equal("雄安新区");
    expect(normalizeCity("定州市")).to.equal("定州");
  });

  it("reads a city through invisible characters, odd spaces and full-width letters (by identity key)", () => {
    expect(normalizeCity("保\u200B定")).to.equal("保定");
    expect(normalizeCity("\uFEFF唐山市\u200F")).to.equal("唐山");
    expect(normalizeCity("唐\u3000山")).to.equal("唐山");
    expect(normalizeCity("ＴＡＮＧＳＨＡＮ")).to.equal("唐山");
    expect(normalizeCity("Xiong'an")).to.equal("雄安新区");
  });

  it("refuses anything else", () => {
    expect(normalizeCity("北京")).to.equal(null);
    expect(normalizeCity("")).to.equal(null);
  });
});
