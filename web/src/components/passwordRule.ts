import type { Rule } from 'antd/es/form';
import type { TFunction } from 'i18next';

/** The platform's password policy (as the backend checks it): ≥ 10 characters from ≥ 3 of 4 character classes. */
export function passwordOk(pw: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(pw)).length;
  return pw.length >= 10 && pw.length <= 128 && classes >= 3;
}

export function passwordRules(t: TFunction, field: string): Rule[] {
  return [
    { required: true, message: t('common.required', { field }) },
    {
      validator: (_, v: string | undefined) =>
        !v || passwordOk(v) ? Promise.resolve() : Promise.reject(new Error(t('password.rule'))),
    },
  ];
}
