import { creditCodeCheckChar, isValidCreditCode } from '../../domain/credit-code';

describe('unified social credit codes', () => {
  it('accepts a code whose check character matches', () => {
    const body = '91330100MA27XL0Q8';
    expect(isValidCreditCode(body + creditCodeCheckChar(body))).toBe(true);
  });

  it('accepts a published code', () => {
    // a widely cited example code; its check character was not computed by this project
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
  });

  it('refuses a wrong check character, a wrong length and letters outside the alphabet', () => {
    const body = '91330100MA27XL0Q8';
    const check = creditCodeCheckChar(body);
    const wrong = check === '0' ? '1' : '0';
    expect(isValidCreditCode(body + wrong)).toBe(false);
    expect(isValidCreditCode(body)).toBe(false);
    expect(isValidCreditCode('91330100MA27XL0QI' + check)).toBe(false);
  });
});
