import { Injectable } from '@nestjs/common';
import { SessionAdmission, SessionObserver } from './session-hooks';

/** Where feature modules plug into the relay's session lifecycle (registered in their onModuleInit). */
@Injectable()
export class SessionHooks {
  private admissionList: SessionAdmission[] = [];
  private observerList: SessionObserver[] = [];

  addAdmission(admission: SessionAdmission): void {
    this.admissionList = [...this.admissionList, admission].sort((a, b) => a.order - b.order);
  }

  addObserver(observer: SessionObserver): void {
    this.observerList = [...this.observerList, observer];
  }

  get admissions(): readonly SessionAdmission[] {
    return this.admissionList;
  }

  get observers(): readonly SessionObserver[] {
    return this.observerList;
  }
}
